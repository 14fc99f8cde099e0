package org.xmppiot.drivers.serial;

import org.xmppiot.core.spi.HeldInput;
import org.xmppiot.drivers.common.SerialLine;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

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

        /** Offers the port's input to be taken in by the bus while the device is busy (see {@link org.xmppiot.core.spi.ReadingSink#hold}). */
        default boolean hold(HeldInput input, Duration maxWait) {
            return false;
        }
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
    /**
     * Frames this close together make a device busy enough to be offered to the bus: read by the bus's gathering
     * thread before each batch, it costs no wake-up per frame. Slower devices are read as each frame comes.
     */
    private static final long HOLD_BELOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** After the bus declined, the next offer waits this long (nothing gathers, or not often enough for this line). */
    private static final long OFFER_AGAIN_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Held input never waits for more than this many bytes: half the kernel's buffer, whatever the line's speed. */
    private static final int HELD_MAX_BYTES = 2048;

    private final String thingId;
    private final SerialLine settings;
    private final Listener listener;
    private final Thread thread;
    private volatile SerialPort port;
    private volatile PortState state = new PortState(PortState.Kind.WAITING, "not opened yet");
    private volatile boolean closed;
    /**
     * Held by whoever reads the port while the bus holds its input: the bus's gathering thread in a round, this
     * supervisor's thread otherwise. Guards {@link PortHold#active}.
     */
    private final ReentrantLock reading = new ReentrantLock();
    private final Condition handedBack = reading.newCondition();
    /** The bus declined an offer: none before this time. Supervisor's thread only. */
    private long nextOffer = System.nanoTime();

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
            if (stopped == null && busyEnoughToHold(times)) {
                stopped = leaveToBus(p, buf, times);
            }
        }
        return stopped == null ? "closed" : stopped;
    }

    /** The last two reads brought frames less than {@link #HOLD_BELOW_NANOS} apart, the last of them just now. */
    private boolean busyEnoughToHold(ReadTimes times) {
        long now = System.nanoTime();
        return times.lastData - times.previousData < HOLD_BELOW_NANOS && now - times.lastData < HOLD_BELOW_NANOS
                && now - nextOffer >= 0;
    }

    /**
     * Offers the port to the bus and, when taken, waits until it is handed back. Null to go on reading, else why
     * reading stopped.
     */
    private String leaveToBus(SerialPort p, byte[] buf, ReadTimes times) {
        PortHold hold = new PortHold(p, buf);
        hold.active = true; // Seen by the bus's thread through the lock the bus takes the input under.
        if (!listener.hold(hold, heldMaxWait(settings))) {
            nextOffer = System.nanoTime() + OFFER_AGAIN_AFTER_NANOS;
            return null;
        }
        reading.lock();
        try {
            while (hold.active && !closed) {
                handedBack.await();
            }
            hold.active = false;
        } catch (InterruptedException e) {
            hold.active = false;
            return "closed";
        } finally {
            reading.unlock();
        }
        // Read again as when the port was opened: the next frame at once, a pause only once the device is busy again.
        times.lastData = System.nanoTime() - 2 * times.gather;
        times.previousData = times.lastData - 2 * times.gather;
        times.full = false;
        return hold.gone;
    }

    /**
     * The port while the bus holds it: read before each of the bus's batches, on the bus's thread, with what is
     * waiting (the port's timeouts stay as they are: a read of no more than is available returns at once).
     */
    private final class PortHold implements HeldInput {
        private final SerialPort port;
        private final byte[] buf;
        /** Under {@link #reading}. */
        boolean active;
        /** Why reading stopped while held; the supervisor's thread takes it up. Under {@link #reading}. */
        String gone;

        PortHold(SerialPort port, byte[] buf) {
            this.port = port;
            this.buf = buf;
        }

        @Override
        public boolean collect() {
            reading.lock();
            try {
                if (!active || closed) {
                    return false;
                }
                return readWaiting();
            } finally {
                reading.unlock();
            }
        }

        /** Reads what is waiting; true if anything was. On a failure hands the port back to the supervisor's thread. */
        private boolean readWaiting() {
            boolean any = false;
            while (true) {
                int available = port.bytesAvailable();
                if (available <= 0) {
                    if (available < 0) {
                        stop("device gone (error " + port.getLastErrorCode() + " while asking what is waiting)");
                    }
                    return any;
                }
                int n;
                try {
                    n = port.readBytes(buf, Math.min(available, buf.length));
                } catch (RuntimeException e) {
                    stop("read failed: " + e.getMessage());
                    return any;
                }
                if (n < 0) {
                    stop("device gone (read error " + port.getLastErrorCode() + ")");
                    return any;
                }
                if (n > 0) {
                    any = true;
                    hand(buf, n);
                }
                if (n < buf.length) {
                    return any;
                }
            }
        }

        private void stop(String why) {
            gone = why;
            active = false;
            handedBack.signal();
        }

        @Override
        public void handBack() {
            reading.lock();
            try {
                active = false;
                handedBack.signal();
            } finally {
                reading.unlock();
            }
        }
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
            hand(buf, n);
        }
        return null;
    }

    private void hand(byte[] buf, int n) {
        try {
            listener.bytes(buf, n);
        } catch (RuntimeException e) {
            // A bug in framing or mapping must not stop reading the port.
            log.warn("thing={} serial data handling failed: {}", thingId, e.toString());
        }
    }

    /** How long a busy port is left between reads: {@link #GATHER_NANOS}, less on a line fast enough to fill the buffer sooner. */
    static long gatherNanos(SerialLine line) {
        return Math.min(GATHER_NANOS, fillNanos(line, GATHER_MAX_BYTES));
    }

    /** The longest the bus may leave this port's bytes waiting: the time {@link #HELD_MAX_BYTES} take on the line. */
    static Duration heldMaxWait(SerialLine line) {
        return Duration.ofNanos(fillNanos(line, HELD_MAX_BYTES));
    }

    private static long fillNanos(SerialLine line, int bytes) {
        long bitsPerByte = 1L + line.dataBits() + (line.stopBits() == SerialPort.ONE_STOP_BIT ? 1 : 2)
                + (line.parity() == SerialPort.NO_PARITY ? 0 : 1);
        return TimeUnit.SECONDS.toNanos(1) * bytes * bitsPerByte / Math.max(1, line.baud());
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
