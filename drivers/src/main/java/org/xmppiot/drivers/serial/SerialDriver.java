package org.xmppiot.drivers.serial;

import org.xmppiot.drivers.common.SerialLine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.xmppiot.drivers.common.Rejections;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.Frame;
import org.xmppiot.core.model.Quality;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.core.spi.Driver;
import org.xmppiot.core.spi.HeldInput;
import org.xmppiot.core.spi.FrameMapper;
import org.xmppiot.core.spi.FrameRejectedException;
import org.xmppiot.core.spi.Poll;
import org.xmppiot.core.spi.ReadingSink;

/** A device on a serial port: bytes are framed, frames mapped to fields, fields published as readings. */
final class SerialDriver implements Driver {

    /** What a serial thing has done so far. */
    record Stats(PortState port, long frames, long readings, Map<String, Long> rejected) {
    }


    private final String thingId;
    private final SerialLine settings;
    private final Framer framer;
    private final FrameMapper mapper;
    private final Rejections rejections;
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong readings = new AtomicLong();
    private final Poll poll;
    private SerialPortSupervisor supervisor;
    private Poller poller;
    private long sequence;
    /**
     * The fields of the last reading, re-sent flagged missing when the device goes away. Only the thread that reads the
     * port touches it: the supervisor's, or the bus's while it holds the port (handed over under the supervisor's lock).
     */
    private List<Field> lastFields;

    /** {@code poll} is null for devices that send by themselves. */
    SerialDriver(String thingId, SerialLine settings, Framer framer, FrameMapper mapper, Poll poll) {
        this.thingId = thingId;
        this.settings = settings;
        this.framer = framer;
        this.mapper = mapper;
        this.poll = poll;
        this.rejections = new Rejections(thingId, "frame");
    }

    @Override
    public synchronized void start(ReadingSink sink) {
        if (supervisor != null) {
            throw new IllegalStateException("driver for " + thingId + " already started");
        }
        // Made once: a lambda made per read costs an allocation through the runtime in code compiled by C1 alone.
        java.util.function.Consumer<byte[]> frames = frame -> handle(frame, sink);
        java.util.function.BiConsumer<String, byte[]> rejects =
                (kind, sample) -> rejections.count(kind, () -> describe(kind) + " '" + printable(sample) + "'");
        supervisor = new SerialPortSupervisor(thingId, settings, new SerialPortSupervisor.Listener() {
            @Override
            public void bytes(byte[] buf, int length) {
                framer.accept(buf, length, frames, rejects);
            }

            @Override
            public boolean hold(HeldInput input, Duration maxWait) {
                return sink.hold(input, maxWait);
            }

            @Override
            public void stateChanged(PortState state) {
                if (state.kind() != PortState.Kind.CONNECTED) {
                    framer.reset();
                }
                announce(state, sink);
            }
        });
        supervisor.start();
        if (poll != null) {
            poller = new Poller(thingId, poll, supervisor, rejections);
            poller.start();
        }
    }

    private void handle(byte[] bytes, ReadingSink sink) {
        frames.incrementAndGet();
        if (poller != null) {
            poller.answered();
        }
        // To the millisecond, as readings are kept: one object, and a clock read the compiler makes inline (Instant.now()
        // calls into the VM and makes a second object to truncate).
        Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
        try {
            List<Field> fields = mapper.map(new Frame(settings.path(), now, bytes));
            sink.accept(new Reading(thingId, ++sequence, now, fields));
            readings.incrementAndGet();
            lastFields = fields;
        } catch (FrameRejectedException e) {
            rejections.count(e.kind(), () -> e.getMessage() + " in '" + printable(bytes) + "'");
        }
    }

    /**
     * Tells the registry the port's new state: online when connected, offline with the reason when not.
     * When the device went away, its last values come along once more, flagged {@code missing}: no
     * longer current, rather than silence that looks like a quiet sensor.
     */
    private void announce(PortState state, ReadingSink sink) {
        if (state.kind() != PortState.Kind.CONNECTED && lastFields != null) {
            List<Field> fields = new ArrayList<>();
            for (Field f : lastFields) {
                fields.add(f.withQuality(Set.of(Quality.MISSING)));
            }
            lastFields = null;
            sink.accept(new Reading(thingId, ++sequence, Instant.now().truncatedTo(ChronoUnit.MILLIS), fields));
        }
        sink.status(thingId, state.kind() == PortState.Kind.CONNECTED ? ThingStatus.online()
                : state.kind() == PortState.Kind.ERROR ? ThingStatus.offline(ThingStatus.Detail.IO_ERROR, "error: " + state.reason())
                : ThingStatus.offline(ThingStatus.Detail.DEVICE_MISSING, state.reason()));
    }

    private static String describe(String kind) {
        return switch (kind) {
            case "too-long" -> "no delimiter within the maximum line length, starting";
            case "bad-checksum" -> "checksum does not match in packet";
            case "bad-length" -> "impossible length in packet starting";
            case "bad-trailer" -> "wrong end bytes in packet";
            case "skipped-bytes" -> "bytes between packets, such as";
            default -> kind;
        };
    }

    /** Text stays readable; binary is shown as hex. */
    private static String printable(byte[] bytes) {
        int printable = 0;
        for (byte b : bytes) {
            if (b >= 0x20 && b < 0x7f) {
                printable++;
            }
        }
        if (printable < bytes.length * 3 / 4) {
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < Math.min(bytes.length, 32); i++) {
                hex.append(String.format("%02X ", bytes[i] & 0xff));
            }
            return hex.toString().trim() + (bytes.length > 32 ? " ..." : "");
        }
        String s = new String(bytes, 0, Math.min(bytes.length, 60), StandardCharsets.UTF_8);
        return s.replaceAll("[^\\p{Print}]", "?") + (bytes.length > 60 ? "..." : "");
    }

    /** Sends bytes to the device; false when it is not connected. The path for control commands. */
    boolean write(byte[] data) {
        SerialPortSupervisor s = supervisor;
        return s != null && s.write(data);
    }

    /** Frames that could not be used, by kind. */
    @Override
    public Map<String, Long> rejected() {
        return rejections.snapshot();
    }

    Stats stats() {
        SerialPortSupervisor s = supervisor;
        return new Stats(s == null ? new PortState(PortState.Kind.WAITING, "not started") : s.state(), frames.get(),
                readings.get(), rejections.snapshot());
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.close();
        }
        if (supervisor != null) {
            supervisor.close();
        }
    }
}
