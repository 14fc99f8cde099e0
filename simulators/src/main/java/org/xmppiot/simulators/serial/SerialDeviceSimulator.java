package org.xmppiot.simulators.serial;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.xmppiot.simulators.WatchedProcess;

/**
 * A serial device on a real pseudo-terminal pair made by socat, for tests, the demo and benchmarks:
 * the gateway opens {@link #port()}, the simulator writes to the device end. Faults are made by
 * sending what a broken device sends (garbage, half frames, bursts) and by unplugging: the device
 * end vanishes, as when a USB adapter is pulled, and comes back under the same path on replug.
 */
public final class SerialDeviceSimulator implements AutoCloseable {

    private final Path device;
    private final Path port;
    private Process socat;
    private OutputStream out;
    private Thread listener;
    private java.util.concurrent.ScheduledExecutorService player;
    private java.util.function.Function<byte[], byte[]> responder;

    private SerialDeviceSimulator(Path dir) {
        this.device = dir.resolve("device");
        this.port = dir.resolve("ttyUSB-sim");
    }

    /** Starts a device whose port appears in {@code dir}. Needs socat (apt-get install socat). */
    public static SerialDeviceSimulator start(Path dir) throws IOException, InterruptedException {
        SerialDeviceSimulator s = new SerialDeviceSimulator(dir);
        s.replug();
        return s;
    }

    /** The path the gateway opens, like /dev/serial/by-id/... for a real adapter. */
    public Path port() {
        return port;
    }

    public synchronized void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    public synchronized void send(byte[] bytes) throws IOException {
        if (out == null) {
            // Through the link, never creating a file: a plain FileOutputStream would make a regular file here while unplugged.
            out = Files.newOutputStream(device, StandardOpenOption.WRITE);
        }
        out.write(bytes);
        out.flush();
    }

    /**
     * Plays frames by itself, one from {@code frames} every {@code interval}, as a sensor in active
     * mode does; while unplugged the frames go nowhere, as on a real wire.
     */
    public synchronized void play(java.util.function.Supplier<byte[]> frames, java.time.Duration interval) {
        stopPlaying();
        player = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "simulated-device-player");
            t.setDaemon(true);
            return t;
        });
        player.scheduleAtFixedRate(() -> {
            try {
                send(frames.get());
            } catch (IOException e) {
                // Unplugged: nobody listens.
            }
        }, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    public synchronized void stopPlaying() {
        if (player != null) {
            player.shutdownNow();
            player = null;
        }
    }

    /**
     * Makes the device answer what the gateway writes: {@code responder} gets each chunk of bytes read
     * and returns the bytes to send back, or null for silence. Survives unplug and replug.
     */
    public synchronized void answer(java.util.function.Function<byte[], byte[]> responder) throws IOException {
        this.responder = responder;
        listen();
    }

    private void listen() throws IOException {
        if (responder == null) {
            return;
        }
        java.io.InputStream in = Files.newInputStream(device, StandardOpenOption.READ);
        java.util.function.Function<byte[], byte[]> r = responder;
        listener = new Thread(() -> {
            byte[] buf = new byte[256];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    byte[] reply = r.apply(java.util.Arrays.copyOf(buf, n));
                    if (reply != null) {
                        send(reply);
                    }
                }
            } catch (IOException e) {
                // Unplugged: the device end is gone; replug starts a new listener.
            }
        }, "simulated-device");
        listener.setDaemon(true);
        listener.start();
    }

    /** The device end vanishes; the gateway's port reads fail and its path disappears. */
    public synchronized void unplug() throws IOException, InterruptedException {
        if (out != null) {
            out.close();
            out = null;
        }
        WatchedProcess.stop(socat, 5);
        if (listener != null) {
            listener.interrupt();
            listener = null;
        }
        waitFor(() -> !Files.exists(port, LinkOption.NOFOLLOW_LINKS) && !Files.exists(device, LinkOption.NOFOLLOW_LINKS));
    }

    /** The device comes back under the same path (usually on another /dev/pts number). */
    public synchronized void replug() throws IOException, InterruptedException {
        // Watched: a test JVM killed mid-run must not leave pseudo-terminals and their links behind.
        socat = WatchedProcess.start(List.of(WatchedProcess.executable("socat", "socat").toString(),
                "pty,raw,echo=0,link=" + device, "pty,raw,echo=0,link=" + port), null, null);
        waitFor(() -> Files.exists(port) && Files.exists(device));
        listen();
    }

    private void waitFor(java.util.function.BooleanSupplier condition) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline || (socat != null && !socat.isAlive() && !condition.getAsBoolean()
                    && Files.exists(port, LinkOption.NOFOLLOW_LINKS))) {
                throw new IOException("socat pseudo-terminals did not reach the expected state at " + port);
            }
            Thread.sleep(5);
        }
    }

    @Override
    public synchronized void close() throws IOException, InterruptedException {
        stopPlaying();
        if (socat != null && socat.isAlive()) {
            unplug();
        }
    }
}
