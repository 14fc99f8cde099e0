package org.xmppiot.gateway.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import org.xmppiot.simulators.serial.SerialDeviceSimulator;

/** The demo's serial device: a board that prints "temperature,light" once a second on a pseudo-terminal. */
final class SimulatedArduino implements AutoCloseable {

    private final SerialDeviceSimulator device;

    private SimulatedArduino(SerialDeviceSimulator device) {
        this.device = device;
        long start = System.nanoTime();
        device.play(() -> {
            double minutes = (System.nanoTime() - start) / 6e10;
            double temperature = 21 + 2 * Math.sin(minutes);
            long light = Math.round(400 + 150 * Math.cos(minutes * 3));
            return String.format(Locale.ROOT, "%.1f,%d\r\n", temperature, light).getBytes(StandardCharsets.US_ASCII);
        }, Duration.ofSeconds(1));
    }

    static SimulatedArduino start(Path dir) throws IOException, InterruptedException {
        return new SimulatedArduino(SerialDeviceSimulator.start(dir));
    }

    Path port() {
        return device.port();
    }

    @Override
    public void close() {
        try {
            device.close();
        } catch (IOException | InterruptedException e) {
            // socat is stopped by its PID in close(); an error here leaves nothing running.
        }
    }
}
