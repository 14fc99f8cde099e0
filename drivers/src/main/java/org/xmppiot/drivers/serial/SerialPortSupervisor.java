package org.xmppiot.drivers.serial;

import org.xmppiot.drivers.common.SerialLine;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one serial port open by its path. Reads on its own thread and hands the bytes on; when the
 * device goes away (a read fails, the port vanishes) it closes the port, waits, and opens it again
 * by path, with backoff, for as long as it runs. A replugged device may come back under another
 * /dev/ttyUSB number: opening by a /dev/serial/by-id path finds it again.
 */
final class SerialPortSupervisor implements AutoCloseable {

    /** What the supervisor hands on. Called on the supervisor's thread. */
    interface Listener {
        void bytes(byte[] buf, int length);

        void stateChanged(PortState state);
    }

    private static final Logger log = LoggerFactory.getLogger(SerialPortSupervisor.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    /** A returning device is read again within about this long. */
    private static final Duration MAX_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY_ON_ERROR = Duration.ofSeconds(10);
    private static final int READ_TIMEOUT_MS = 200;
    /**
     * While bytes keep coming, the port is read at most this often: each read then takes several frames instead of one,
     * which is most of what a fast device costs (a wake-up and system calls per read). A frame after a quiet spell is
     * still read at once.
     */
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** A gathering pause never leaves more than this many bytes waiting: the kernel's buffer for a tty is 4 KiB. */
    private static final int GATHER_MAX_BYTES = 1024;

    private final String thingId;
    private final SerialLine settings;
    private final Listener listener;
    private final Thread thread;
    private volatile SerialPort port;
    private volatile PortState state = new PortState(PortState.Kind.WAITING, "not opened yet");
    private volatile boolean closed;

    SerialPortSupervisor(String thingId, SerialLine settings, Listener listener) {
        this.thingId = thingId;
        this.settings = settings;
        this.listener = listener;
        this.thread = new Thread(this::run, "serial-" + thingId);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    PortState state() {
        return state;
    }

    /** Writes to the device; false when it is not connected or the write failed. */
    boolean write(byte[] data) {
        SerialPort p = port;
        return p != null && p.writeBytes(data, data.length) == data.length;
    }

    private void run() {
        Duration wait = FIRST_RETRY;
        // No larger than a gathering pause lets wait: jSerialComm copies the whole array into native memory and back on
        // every read, whatever the read brings.
        byte[] buf = new byte[GATHER_MAX_BYTES];
        while (!closed) {
            SerialPort p = open();
            if (p == null) {
                Duration cap = state.kind() == PortState.Kind.ERROR ? MAX_RETRY_ON_ERROR : MAX_RETRY;
                if (!pause(wait)) {
                    return;
                }
                wait = wait.multipliedBy(2).compareTo(cap) > 0 ? cap : wait.multipliedBy(2);
                continue;
            }
            wait = FIRST_RETRY;
            port = p;
            change(new PortState(PortState.Kind.CONNECTED, null));
            String reason = readUntilGone(p, buf);
            port = null;
            p.closePort();
            if (!closed) {
                change(new PortState(PortState.Kind.WAITING, reason));
            }
        }
    }

    private SerialPort open() {
        SerialPort p;
        try {
            p = SerialPort.getCommPort(settings.path());
        } catch (SerialPortInvalidPortException e) {
            change(new PortState(PortState.Kind.WAITING, "no device at " + settings.path() + "; waiting for it"));
            return null;
        }
        p.setComPortParameters(settings.baud(), settings.dataBits(), settings.stopBits(), settings.parity());
        p.setFlowControl(settings.flowControl());
        p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, READ_TIMEOUT_MS, 0);
        if (p.openPort()) {
            return p;
        }
        int code = p.getLastErrorCode();
        if (code == 13) {
            change(new PortState(PortState.Kind.ERROR, "permission denied on " + settings.path()
                    + ": add the gateway's user to the port's group, usually dialout (sudo usermod -aG dialout USER), then restart the gateway"));
        } else if (code == 2) {
            change(new PortState(PortState.Kind.WAITING, "no device at " + settings.path() + "; waiting for it"));
        } else {
            change(new PortState(PortState.Kind.ERROR, "cannot open " + settings.path() + " (error " + code + ")"));
        }
        return null;
    }

    /** Reads until the device is gone or the supervisor closes; returns why it stopped. */
    private String readUntilGone(SerialPort p, byte[] buf) {
        ReadTimes times = new ReadTimes(gatherNanos(settings));
        String stopped = null;
        while (!closed && stopped == null) {
            stopped = readOnce(p, buf, times);
        }
        return stopped == null ? "closed" : stopped;
    }

    /** When the last two reads brought bytes. */
    private static final class ReadTimes {
        final long gather;
        long lastData;
        long previousData;
        /** The last read filled the buffer: more is waiting, read on at once. */
        boolean full;

        ReadTimes(long gather) {
            this.gather = gather;
            this.lastData = System.nanoTime() - 2 * gather;
            this.previousData = lastData - 2 * gather;
        }
    }

    /**
     * One read and what it brought; null to go on, else why reading stopped. A method of its own so that it is compiled:
     * the JIT compiler the package runs with (C1 alone) compiles a loop only after tens of thousands of rounds, and a
     * device at 25 lines a second took half an hour to get there, read by the interpreter meanwhile.
     */
    private String readOnce(SerialPort p, byte[] buf, ReadTimes times) {
        // Busy when the last two reads brought bytes less than one and a half gathering times apart: then the port is
        // left until a gathering time after the last bytes. A device slower than that is read as each frame comes
        // (pausing would cost a second wake-up per frame for nothing).
        long gather = times.gather;
        long wait = gather - (System.nanoTime() - times.lastData);
        if (!times.full && times.lastData - times.previousData < gather + gather / 2 && wait > 0
                && !pause(Duration.ofNanos(wait))) {
            return "closed";
        }
        int n;
        try {
            n = p.readBytes(buf, buf.length);
        } catch (RuntimeException e) {
            return "read failed: " + e.getMessage();
        }
        if (n < 0) {
            return "device gone (read error " + p.getLastErrorCode() + ")";
        }
        times.full = n == buf.length;
        if (n > 0) {
            times.previousData = times.lastData;
            times.lastData = System.nanoTime();
            try {
                listener.bytes(buf, n);
            } catch (RuntimeException e) {
                // A bug in framing or mapping must not stop reading the port.
                log.warn("thing={} serial data handling failed: {}", thingId, e.toString());
            }
        }
        return null;
    }

    /** How long a busy port is left between reads: {@link #GATHER_NANOS}, less on a line fast enough to fill the buffer sooner. */
    static long gatherNanos(SerialLine line) {
        long bitsPerByte = 1L + line.dataBits() + (line.stopBits() == SerialPort.ONE_STOP_BIT ? 1 : 2)
                + (line.parity() == SerialPort.NO_PARITY ? 0 : 1);
        long fill = TimeUnit.SECONDS.toNanos(1) * GATHER_MAX_BYTES * bitsPerByte / Math.max(1, line.baud());
        return Math.min(GATHER_NANOS, fill);
    }

    private void change(PortState next) {
        PortState previous = state;
        state = next;
        if (next.equals(previous)) {
            return;
        }
        if (next.kind() == PortState.Kind.CONNECTED) {
            log.info("thing={} serial port={} connected baud={}", thingId, settings.path(), settings.baud());
        } else {
            log.warn("thing={} serial port={} {}", thingId, settings.path(), next);
        }
        listener.stateChanged(next);
    }

    private boolean pause(Duration d) {
        try {
            TimeUnit.NANOSECONDS.sleep(d.toNanos());
            return !closed;
        } catch (InterruptedException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        SerialPort p = port;
        if (p != null) {
            p.closePort();
        }
    }
}
