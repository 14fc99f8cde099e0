package org.xmppiot.drivers.pi4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which Raspberry Pi this is, from the device tree the firmware hands the kernel
 * ({@code /proc/device-tree/model}, e.g. "Raspberry Pi 5 Model B Rev 1.0"). Read below {@code root}
 * so tests can use a fake tree.
 */
public record RaspberryPiBoard(String model) {

    private static final String[] MODEL_FILES = {"proc/device-tree/model", "sys/firmware/devicetree/base/model"};

    /** The board, or empty when this machine is not a Raspberry Pi. */
    public static Optional<RaspberryPiBoard> detect(Path root) {
        String model = model(root);
        return model != null && model.startsWith("Raspberry Pi") ? Optional.of(new RaspberryPiBoard(model)) : Optional.empty();
    }

    /** What the device tree calls this machine, or null when it has none (most PCs). */
    static String model(Path root) {
        for (String name : MODEL_FILES) {
            Path file = root.resolve(name);
            try {
                if (Files.isReadable(file)) {
                    // The device tree ends strings with a NUL.
                    return Files.readString(file, StandardCharsets.US_ASCII).replace("\0", "").strip();
                }
            } catch (IOException e) {
                // Try the next place.
            }
        }
        return null;
    }

    /** The Pi 5 has its header on the RP1 chip; older ones on the SoC's own GPIO block. */
    public boolean isPi5OrLater() {
        return model.startsWith("Raspberry Pi 5") || model.startsWith("Raspberry Pi Compute Module 5")
                || model.startsWith("Raspberry Pi 500");
    }
}
