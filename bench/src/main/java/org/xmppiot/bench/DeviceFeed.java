package org.xmppiot.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.xmppiot.simulators.serial.SerialDeviceSimulator;

/**
 * Devices on pseudo-terminals (socat) printing {@code seq,sentMs} lines at an offered total rate,
 * spread evenly over the devices. {@code sentMs} is milliseconds since the bench's clock zero, so a
 * subscriber in the same process reads each reading's latency off the reading itself.
 */
final class DeviceFeed implements AutoCloseable {

    private final List<SerialDeviceSimulator> devices = new ArrayList<>();
    private final long clockZero;
    private final AtomicLong sent = new AtomicLong();
    private volatile double rate;
    private final Thread pacer;
    private volatile boolean running = true;

    DeviceFeed(Path dir, int count, long clockZero) throws IOException, InterruptedException {
        this.clockZero = clockZero;
        for (int i = 0; i < count; i++) {
            devices.add(SerialDeviceSimulator.start(java.nio.file.Files.createDirectories(dir.resolve("dev" + (i + 1)))));
        }
        pacer = new Thread(this::pace, "device-feed");
        pacer.setDaemon(true);
        pacer.start();
    }

    List<Path> ports() {
        return devices.stream().map(SerialDeviceSimulator::port).toList();
    }

    /** Readings per second over all devices from now on; 0 pauses. */
    void offer(double readingsPerSecond) {
        rate = readingsPerSecond;
    }

    long sent() {
        return sent.get();
    }

    private void pace() {
        StringBuilder[] lines = new StringBuilder[devices.size()];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = new StringBuilder();
        }
        long seq = 0;
        long since = System.nanoTime();
        double owed = 0;
        while (running) {
            LockSupport.parkNanos(1_000_000);
            long now = System.nanoTime();
            owed += rate * (now - since) / 1e9;
            since = now;
            if (owed < 1) {
                continue;
            }
            double sentMs = (now - clockZero) / 1e6;
            int due = (int) owed;
            owed -= due;
            for (int k = 0; k < due; k++) {
                seq++;
                lines[(int) (seq % lines.length)].append(seq).append(',')
                        .append(String.format(Locale.ROOT, "%.3f", sentMs)).append('\n');
            }
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].length() > 0) {
                    try {
                        devices.get(i).send(lines[i].toString().getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        System.err.println("device " + (i + 1) + ": " + e.getMessage());
                    }
                    lines[i].setLength(0);
                }
            }
            sent.addAndGet(due);
        }
    }

    @Override
    public void close() throws Exception {
        running = false;
        pacer.join(2000);
        for (SerialDeviceSimulator d : devices) {
            d.close();
        }
    }
}
