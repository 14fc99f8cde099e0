package org.xmppiot.core.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.HeldInput;
import org.xmppiot.core.testing.Await;

/**
 * Inputs left waiting by drivers are taken in by a gathering subscriber's thread before each batch, only while it
 * gathers often enough for them, and handed back when they fall quiet or it stops. (The serial driver's side, with
 * real pseudo-terminals, is in the drivers' tests.)
 */
class InputGatheringTest {

    private static final Duration GATHER = Duration.ofMillis(50);

    private static Reading reading(String thing, long seq) {
        return new Reading(thing, seq, Instant.ofEpochSecond(1_700_000_000L + seq),
                List.of(Field.readout("t", FieldValue.NumericValue.of(seq, 1, "°C"))));
    }

    /** A device's input that brings one reading a round while {@link #busy}, as a driver's would. */
    private static final class Input implements HeldInput {
        final ReadingBus bus;
        final AtomicBoolean busy = new AtomicBoolean(true);
        final AtomicLong next = new AtomicLong(1_000);
        final List<String> collectedOn = new CopyOnWriteArrayList<>();
        final AtomicInteger handedBack = new AtomicInteger();

        Input(ReadingBus bus) {
            this.bus = bus;
        }

        @Override
        public boolean collect() {
            collectedOn.add(Thread.currentThread().getName());
            if (!busy.get()) {
                return false;
            }
            bus.publish(reading("held", next.getAndIncrement()));
            return true;
        }

        @Override
        public void handBack() {
            handedBack.incrementAndGet();
        }
    }

    /** Publishes a reading every 10 ms until the bus holds {@code input}: the subscriber gathers only while readings come. */
    private static void holdWhileBusy(ReadingBus bus, Input input, Duration maxWait) throws Exception {
        long deadline = System.nanoTime() + Await.GENEROUS.toNanos();
        for (long seq = 1; !bus.hold(input, maxWait); seq++) {
            assertThat(System.nanoTime()).as("held within %s", Await.GENEROUS).isLessThan(deadline);
            bus.publish(reading("other", seq));
            Thread.sleep(10);
        }
    }

    @Test
    void nothingIsHeldWhileNoSubscriberGathers() throws Exception {
        try (ReadingBus bus = new ReadingBus()) {
            Input input = new Input(bus);
            assertThat(bus.hold(input, Duration.ofSeconds(1))).as("no subscriber at all").isFalse();
            List<Reading> got = new CopyOnWriteArrayList<>();
            bus.subscribeInBatches("store", 1000, 100, Duration.ZERO, got::addAll);
            for (int i = 1; i <= 20; i++) {
                bus.publish(reading("other", i));
                assertThat(bus.hold(input, Duration.ofSeconds(1))).as("a subscriber that batches without a clock").isFalse();
            }
            BusSubscription gathering = bus.subscribeInBatches("gathering", 1000, 100, GATHER, got::addAll);
            assertThat(bus.hold(input, Duration.ofSeconds(1))).as("a gathering subscriber with nothing to gather").isFalse();
            assertThat(gathering.drain(Await.GENEROUS)).isTrue();
            assertThat(bus.heldInputs()).isZero();
            assertThat(input.collectedOn).isEmpty();
        }
    }

    @Test
    void aHeldInputIsTakenInOnTheGatheringThreadEveryRoundAndHandedBackOnceQuiet() throws Exception {
        try (ReadingBus bus = new ReadingBus()) {
            List<Reading> got = new CopyOnWriteArrayList<>();
            bus.subscribeInBatches("store", 10_000, 500, GATHER, got::addAll);
            Input input = new Input(bus);
            holdWhileBusy(bus, input, Duration.ofSeconds(1));
            assertThat(bus.heldInputs()).isEqualTo(1);
            // No other readings now: the subscriber keeps to its rounds for the held input alone.
            Await.until("20 rounds taken in", () -> input.collectedOn.size() >= 20);
            assertThat(input.collectedOn).containsOnly("bus-store");
            input.busy.set(false);
            Await.until("the quiet input handed back", () -> input.handedBack.get() == 1);
            assertThat(bus.heldInputs()).isZero();
            long brought = input.next.get() - 1_000;
            Await.until("everything the input brought", () -> got.stream().filter(r -> r.thingId().equals("held")).count() == brought);
            assertThat(got.stream().filter(r -> r.thingId().equals("held")).map(Reading::sequence).toList())
                    .as("in order, none twice").isSorted().doesNotHaveDuplicates().hasSize((int) brought);
            // Not taken in again once handed back, and the subscriber goes back to waiting for readings.
            int rounds = input.collectedOn.size();
            Thread.sleep(GATHER.multipliedBy(5).toMillis());
            assertThat(input.collectedOn).hasSize(rounds);
        }
    }

    @Test
    void anInputThatMayNotWaitAsLongAsTheSubscriberGathersIsNotHeld() throws Exception {
        try (ReadingBus bus = new ReadingBus()) {
            bus.subscribeInBatches("store", 10_000, 500, GATHER, batch -> { });
            Input longer = new Input(bus);
            holdWhileBusy(bus, longer, GATHER); // Busy now, and kept so by the held input.
            Input fast = new Input(bus);
            assertThat(bus.hold(fast, GATHER.minusMillis(1))).isFalse();
            assertThat(bus.heldInputs()).isEqualTo(1);
        }
    }

    @Test
    void closingTheSubscriberHandsBackWhatItHolds() throws Exception {
        try (ReadingBus bus = new ReadingBus()) {
            BusSubscription store = bus.subscribeInBatches("store", 10_000, 500, GATHER, batch -> { });
            Input input = new Input(bus);
            holdWhileBusy(bus, input, Duration.ofSeconds(1));
            store.close();
            assertThat(input.handedBack.get()).isEqualTo(1);
            assertThat(bus.heldInputs()).isZero();
            assertThat(bus.hold(new Input(bus), Duration.ofSeconds(1))).as("nobody gathers any more").isFalse();
        }
    }

    @Test
    void aConsumerAboutToHoldUpItsThreadHasEverythingHandedBackAndNothingIsHeldAgainUntilTheThreadMovesOn() throws Exception {
        try (ReadingBus bus = new ReadingBus()) {
            CountDownLatch release = new CountDownLatch(1);
            bus.subscribeInBatches("store", 10_000, 500, GATHER, batch -> {
                if (batch.stream().anyMatch(r -> r.thingId().equals("hold-up"))) {
                    bus.handBackHeldInputs(); // As a store whose commits cannot keep up does before it waits.
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            Input input = new Input(bus);
            holdWhileBusy(bus, input, Duration.ofSeconds(1));
            bus.publish(reading("hold-up", 1));
            Await.until("the held input handed back", () -> input.handedBack.get() == 1);
            assertThat(bus.heldInputs()).isZero();
            // The subscriber still counts as gathering, but its thread waits: nothing is left to it meanwhile.
            Input another = new Input(bus);
            assertThat(bus.hold(another, Duration.ofSeconds(1))).isFalse();
            int rounds = input.collectedOn.size();
            release.countDown();
            holdWhileBusy(bus, another, Duration.ofSeconds(1));
            Await.until("the new input taken in", () -> !another.collectedOn.isEmpty());
            assertThat(input.collectedOn).as("the one handed back is not taken in again").hasSize(rounds);
        }
    }
}
