package org.xmppiot.drivers.serial;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.Frame;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.Driver;
import org.xmppiot.core.spi.FrameMapper;
import org.xmppiot.core.spi.FrameRejectedException;
import org.xmppiot.core.spi.ReadingSink;

/** A device on a serial port: bytes are framed, frames mapped to fields, fields published as readings. */
final class SerialDriver implements Driver {

    /** What a serial thing has done so far. */
    record Stats(PortState port, long frames, long readings, Map<String, Long> rejected) {
    }

    private final String thingId;
    private final SerialSettings settings;
    private final LineFramer framer;
    private final FrameMapper mapper;
    private final FrameRejections rejections;
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong readings = new AtomicLong();
    private SerialPortSupervisor supervisor;
    private long sequence;

    SerialDriver(String thingId, SerialSettings settings, LineFramer framer, FrameMapper mapper) {
        this.thingId = thingId;
        this.settings = settings;
        this.framer = framer;
        this.mapper = mapper;
        this.rejections = new FrameRejections(thingId);
    }

    @Override
    public synchronized void start(ReadingSink sink) {
        if (supervisor != null) {
            throw new IllegalStateException("driver for " + thingId + " already started");
        }
        supervisor = new SerialPortSupervisor(thingId, settings, new SerialPortSupervisor.Listener() {
            @Override
            public void bytes(byte[] buf, int length) {
                framer.accept(buf, length, frame -> handle(frame, sink),
                        start -> rejections.count("too-long", "no delimiter within the maximum line length; starts with '"
                                + printable(start) + "'"));
            }

            @Override
            public void stateChanged(PortState state) {
                if (state.kind() != PortState.Kind.CONNECTED) {
                    framer.reset();
                }
            }
        });
        supervisor.start();
    }

    private void handle(byte[] bytes, ReadingSink sink) {
        frames.incrementAndGet();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try {
            List<Field> fields = mapper.map(new Frame(settings.path(), now, bytes));
            sink.accept(new Reading(thingId, ++sequence, now, fields));
            readings.incrementAndGet();
        } catch (FrameRejectedException e) {
            rejections.count(e.kind(), e.getMessage() + " in '" + printable(bytes) + "'");
        }
    }

    private static String printable(byte[] bytes) {
        String s = new String(bytes, 0, Math.min(bytes.length, 60), StandardCharsets.UTF_8);
        return s.replaceAll("[^\\p{Print}]", "?") + (bytes.length > 60 ? "..." : "");
    }

    /** Sends bytes to the device; false when it is not connected. The path for control commands. */
    boolean write(byte[] data) {
        SerialPortSupervisor s = supervisor;
        return s != null && s.write(data);
    }

    Stats stats() {
        SerialPortSupervisor s = supervisor;
        return new Stats(s == null ? new PortState(PortState.Kind.WAITING, "not started") : s.state(), frames.get(),
                readings.get(), rejections.snapshot());
    }

    @Override
    public synchronized void close() {
        if (supervisor != null) {
            supervisor.close();
        }
    }
}
