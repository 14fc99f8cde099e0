package org.xmppiot.drivers.pi4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The machine's GPIO controllers and which one drives the 40-pin header. Chosen by label, never by
 * number: on a Pi 5 the header's chip is {@code pinctrl-rp1} and its number (gpiochip4 on older
 * kernels, gpiochip0 on newer) and its sysfs base (0, 512, 571...) change between kernels.
 */
public final class GpioChips {

    /** The header controllers: Pi 1-3 and Zero 2 W, Pi 4 / 400 / CM4, Pi 5 / CM5 / 500. */
    static final Set<String> HEADER_LABELS = Set.of("pinctrl-bcm2835", "pinctrl-bcm2711", "pinctrl-rp1");

    /** One controller: its character device ({@code gpiochipN}), label, sysfs base and number of lines. */
    public record Chip(String device, String label, int base, int lines) {
    }

    private GpioChips() {
    }

    /**
     * Every controller the kernel lists under {@code root/sys/class/gpio}, by device name: the classic
     * {@code gpiochip<base>} entries and the {@code chip<N>} entries of newer kernels (named by device,
     * without a base). Empty when the kernel has no GPIO sysfs class at all.
     */
    public static List<Chip> list(Path root) throws IOException {
        Path dir = root.resolve("sys/class/gpio");
        List<Chip> chips = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return chips;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "{gpiochip,chip}[0-9]*")) {
            for (Path entry : entries) {
                String label = read(entry.resolve("label"));
                String name = entry.getFileName().toString();
                boolean byDevice = name.startsWith("chip");
                String device = byDevice ? "gpio" + name : characterDevice(entry);
                if (label != null && chips.stream().noneMatch(c -> c.device().equals(device))) {
                    chips.add(new Chip(device, label, byDevice ? -1 : number(entry.resolve("base")), number(entry.resolve("ngpio"))));
                }
            }
        }
        chips.sort(Comparator.comparing(Chip::device));
        return chips;
    }

    /** The controller of the 40-pin header; the message names what was found when there is none. */
    public static Chip header(Path root) throws IOException {
        List<Chip> chips = list(root);
        for (Chip c : chips) {
            if (HEADER_LABELS.contains(c.label())) {
                return c;
            }
        }
        throw new IOException("no GPIO controller for the 40-pin header (labels " + HEADER_LABELS + ") among "
                + (chips.isEmpty() ? "none listed in " + root.resolve("sys/class/gpio") : chips.stream().map(Chip::label).toList()));
    }

    /** The {@code /dev} name of a sysfs chip: its device directory holds a {@code gpiochipN} entry. */
    private static String characterDevice(Path sysfsChip) throws IOException {
        Path device = sysfsChip.resolve("device");
        if (Files.isDirectory(device)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(device, "gpiochip[0-9]*")) {
                for (Path e : entries) {
                    return e.getFileName().toString();
                }
            }
        }
        return sysfsChip.getFileName().toString();
    }

    private static String read(Path file) {
        try {
            return Files.isReadable(file) ? Files.readString(file, StandardCharsets.US_ASCII).strip() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static int number(Path file) {
        String v = read(file);
        try {
            return v == null ? -1 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
