package org.xmppiot.gateway.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.xmppiot.drivers.serial.simulator.SerialDeviceSimulator;

/** The demo's serial device: a board that prints "temperature,light" once a second on a pseudo-terminal. */
final class SimulatedArduino implements AutoCloseable {

    private final SerialDeviceSimulator device;
    private final ScheduledExecutorService clock;

    private SimulatedArduino(SerialDeviceSimulator device) {
        this.device = device;
        this.clock = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-arduino");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        clock.scheduleAtFixedRate(() -> {
            double minutes = (System.nanoTime() - start) / 6e10;
            double temperature = 21 + 2 * Math.sin(minutes);
            long light = Math.round(400 + 150 * Math.cos(minutes * 3));
            try {
                device.send(String.format(Locale.ROOT, "%.1f,%d\r\n", temperature, light));
            } catch (IOException e) {
                // Unplugged or stopping: a real board would just keep printing into the void.
            }
        }, 0, 1, TimeUnit.SECONDS);
    }

    static SimulatedArduino start(Path dir) throws IOException, InterruptedException {
        return new SimulatedArduino(SerialDeviceSimulator.start(dir));
    }

    Path port() {
        return device.port();
    }

    @Override
    public void close() {
        clock.shutdownNow();
        try {
            clock.awaitTermination(2, TimeUnit.SECONDS);
            device.close();
        } catch (IOException | InterruptedException e) {
            // socat is stopped by its PID in close(); an error here leaves nothing running.
        }
    }
}
