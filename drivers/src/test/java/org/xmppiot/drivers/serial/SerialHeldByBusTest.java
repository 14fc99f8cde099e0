package org.xmppiot.drivers.serial;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.bus.ReadingBus;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.config.YamlConfigReader;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Quality;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.core.spi.HeldInput;
import org.xmppiot.core.spi.ReadingSink;
import org.xmppiot.core.testing.Await;
import org.xmppiot.simulators.serial.SerialDeviceSimulator;

/**
 * A busy serial device (frames under 100 ms apart) is read by the bus's gathering thread before each batch, instead of
 * waking its own thread for every frame; once quiet, by its own thread again. Real pseudo-terminals from socat, the
 * real bus.
 */
class SerialHeldByBusTest {

    private static final Duration ITEM_INTERVAL = Duration.ofMillis(50);

    @TempDir
    Path dir;

    /** The thread each measurement was published on, by frame number. */
    private final List<String> publishedOn = new CopyOnWriteArrayList<>();
    private final List<Reading> stored = new CopyOnWriteArrayList<>();
    private final List<ThingStatus> statuses = new CopyOnWriteArrayList<>();

    /** A serial thing on {@code device}'s port, started on {@code bus} and connected. */
    private SerialDriver startedOn(ReadingBus bus, SerialDeviceSimulator device) throws Exception {
        ConfigNode section = YamlConfigReader.read("thing.yaml",
                "id: bench\nport: " + device.port() + "\nbaud: 115200\n" + SerialDriverTest.FRAME_MAPPING);
        SerialDriver d = (SerialDriver) new SerialDriverFactory().create(new ThingConfig("bench", "bench", "serial", section));
        d.start(watched(bus));
        Await.until("the port to open", () -> d.stats().port().kind() == PortState.Kind.CONNECTED);
        return d;
    }

    /** Makes the device send 25 frames a second, as in the bench, numbered from 0 by {@code next}; and waits for the bus to hold its port. */
    private static void playUntilHeld(ReadingBus bus, SerialDeviceSimulator device, AtomicLong next) throws Exception {
        device.play(() -> ("frame " + next.getAndIncrement() + " value=1.5\n").getBytes(StandardCharsets.US_ASCII), Duration.ofMillis(40));
        Await.until("the bus to hold the port", () -> bus.heldInputs() == 1);
    }

    /** The bus, as the registry passes it on, noting on which thread each reading was handed over. */
    private ReadingSink watched(ReadingBus bus) {
        return new ReadingSink() {
            @Override
            public void accept(Reading r) {
                if (r.fields().stream().noneMatch(f -> f.quality().contains(Quality.MISSING))) {
                    publishedOn.add(Thread.currentThread().getName());
                }
                bus.accept(r);
            }

            @Override
            public void status(String thingId, ThingStatus status) {
                statuses.add(status);
            }

            @Override
            public boolean hold(HeldInput input, Duration maxWait) {
                return bus.hold(input, maxWait);
            }
        };
    }

    private static long number(Reading r) {
        return ((FieldValue.IntegerValue) r.field("n").value()).value();
    }

    private List<Long> storedNumbers() {
        return stored.stream().filter(r -> r.sequence() >= 0 && r.field("n") != null
                && r.field("n").quality().contains(Quality.AUTOMATIC_READOUT)).map(SerialHeldByBusTest::number).toList();
    }

    @Test
    void aBusyDeviceIsReadBeforeEachBatchWithEveryFrameInOrderAndByItsOwnThreadAgainOnceQuiet() throws Exception {
        try (ReadingBus bus = new ReadingBus(); SerialDeviceSimulator device = SerialDeviceSimulator.start(dir)) {
            bus.subscribeInBatches("store", 10_000, 500, ITEM_INTERVAL, stored::addAll);
            SerialDriver d = startedOn(bus, device);
            try {
                AtomicLong next = new AtomicLong();
                playUntilHeld(bus, device, next);
                // Held, the port is read by the thread that forms the store's batches, which wakes for them anyway.
                Await.until("100 frames read by the bus's thread",
                        () -> publishedOn.stream().filter("bus-store"::equals).count() >= 100);
                device.stopPlaying();
                long sent = next.get();
                Await.until("every frame sent to be stored", () -> storedNumbers().size() >= sent);
                assertThat(storedNumbers()).as("every frame, once, in order").containsExactlyElementsOf(
                        LongStream.range(0, sent).boxed().toList());
                // Quiet: handed back within a few of the bus's rounds, and a frame after that is read by the port's thread.
                Await.until("the port to be handed back", () -> bus.heldInputs() == 0);
                int before = publishedOn.size();
                device.send("frame " + sent + " value=2.5\n");
                Await.until("the frame after the quiet spell", () -> storedNumbers().contains(sent));
                assertThat(publishedOn.subList(before, publishedOn.size())).containsExactly("serial-bench");
                assertThat(d.stats().rejected()).isEmpty();
                assertThat(statuses).containsExactly(ThingStatus.online());
            } finally {
                d.close();
            }
        }
    }

    @Test
    void withoutAGatheringSubscriberABusyDeviceIsReadByItsOwnThread() throws Exception {
        try (ReadingBus bus = new ReadingBus(); SerialDeviceSimulator device = SerialDeviceSimulator.start(dir)) {
            // item-interval 0: batches as readings come, so nobody waits on a clock that could take the port in.
            bus.subscribeInBatches("store", 10_000, 500, Duration.ZERO, stored::addAll);
            SerialDriver d = startedOn(bus, device);
            try {
                AtomicLong next = new AtomicLong();
                device.play(() -> ("frame " + next.getAndIncrement() + " value=1.5\n").getBytes(StandardCharsets.US_ASCII),
                        Duration.ofMillis(40));
                Await.until("50 frames stored", () -> storedNumbers().size() >= 50);
                device.stopPlaying();
                assertThat(bus.heldInputs()).isZero();
                assertThat(publishedOn).containsOnly("serial-bench");
                long sent = next.get();
                Await.until("every frame sent to be stored", () -> storedNumbers().size() >= sent);
                assertThat(storedNumbers()).containsExactlyElementsOf(LongStream.range(0, sent).boxed().toList());
            } finally {
                d.close();
            }
        }
    }

    @Test
    void aDeviceUnpluggedWhileHeldGoesOfflineAndIsReadAgainOnceBack() throws Exception {
        try (ReadingBus bus = new ReadingBus(); SerialDeviceSimulator device = SerialDeviceSimulator.start(dir)) {
            bus.subscribeInBatches("store", 10_000, 500, ITEM_INTERVAL, stored::addAll);
            SerialDriver d = startedOn(bus, device);
            try {
                playUntilHeld(bus, device, new AtomicLong());
                device.unplug();
                Await.until("the thing to go offline", () -> statuses.size() >= 2);
                assertThat(statuses.get(1).state()).isEqualTo(ThingStatus.State.OFFLINE);
                assertThat(statuses.get(1).reason()).startsWith("device gone");
                Await.until("the gone port to leave the bus", () -> bus.heldInputs() == 0);
                long before = storedNumbers().size();
                device.replug(); // The player goes on: frames flow again as soon as the port is open.
                Await.until("frames after the replug", () -> storedNumbers().size() >= before + 50);
                Await.until("the bus to hold the port again", () -> bus.heldInputs() == 1);
                assertThat(statuses.get(statuses.size() - 1)).isEqualTo(ThingStatus.online());
                List<Long> numbers = storedNumbers();
                assertThat(numbers).as("in order, none twice").isSorted().doesNotHaveDuplicates();
            } finally {
                device.stopPlaying();
                d.close();
            }
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("serial-bench"));
        }
    }

    @Test
    void closingTheDriverWhileHeldEndsItsThreadAndTheBusLetsGoOfThePort() throws Exception {
        try (ReadingBus bus = new ReadingBus(); SerialDeviceSimulator device = SerialDeviceSimulator.start(dir)) {
            bus.subscribeInBatches("store", 10_000, 500, ITEM_INTERVAL, stored::addAll);
            SerialDriver d = startedOn(bus, device);
            try {
                playUntilHeld(bus, device, new AtomicLong());
            } finally {
                d.close();
            }
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("serial-bench"));
            int after = publishedOn.size();
            Await.until("the bus to let go of the closed port", () -> bus.heldInputs() == 0);
            // Nothing is read from a closed driver's port, by any thread.
            Thread.sleep(ITEM_INTERVAL.multipliedBy(4).toMillis());
            assertThat(publishedOn).hasSize(after);
            device.stopPlaying();
        }
    }
}
