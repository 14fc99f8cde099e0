package org.xmppiot.drivers.pi4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pi detection and the header's GPIO controller, against fake device-tree and sysfs trees laid out as
 * the kernels of a Pi 3, a Pi 4 and a Pi 5 lay them out (numbers differ; labels do not).
 */
class BoardDetectionTest {

    @TempDir
    Path root;

    private void model(String model) throws IOException {
        Path file = root.resolve("proc/device-tree/model");
        Files.createDirectories(file.getParent());
        Files.writeString(file, model + "\0", StandardCharsets.US_ASCII);
    }

    /** A sysfs chip {@code /sys/class/gpio/gpiochip<base>} whose device is {@code /dev/<device>}. */
    private void chip(int base, String label, int lines, String device) throws IOException {
        Path dir = root.resolve("sys/class/gpio/gpiochip" + base);
        Files.createDirectories(dir.resolve("device").resolve(device));
        Files.writeString(dir.resolve("label"), label + "\n");
        Files.writeString(dir.resolve("base"), base + "\n");
        Files.writeString(dir.resolve("ngpio"), lines + "\n");
    }

    @Test
    void pi3WithAnOldKernel() throws Exception {
        model("Raspberry Pi 3 Model B Plus Rev 1.3");
        chip(0, "pinctrl-bcm2835", 54, "gpiochip0");
        chip(504, "raspberrypi-exp-gpio", 8, "gpiochip1");
        assertThat(RaspberryPiBoard.detect(root)).hasValueSatisfying(b -> assertThat(b.isPi5OrLater()).isFalse());
        assertThat(GpioChips.header(root)).isEqualTo(new GpioChips.Chip("gpiochip0", "pinctrl-bcm2835", 0, 54));
    }

    @Test
    void pi4WithA66Kernel() throws Exception {
        model("Raspberry Pi 4 Model B Rev 1.4");
        chip(570, "raspberrypi-exp-gpio", 8, "gpiochip1");
        chip(512, "pinctrl-bcm2711", 58, "gpiochip0");
        assertThat(RaspberryPiBoard.detect(root)).isPresent();
        assertThat(GpioChips.header(root)).isEqualTo(new GpioChips.Chip("gpiochip0", "pinctrl-bcm2711", 512, 58));
    }

    @Test
    void pi5WhereTheHeaderIsOnTheRp1AndNotTheFirstChip() throws Exception {
        model("Raspberry Pi 5 Model B Rev 1.0");
        chip(512, "gpio-brcmstb@107d508500", 32, "gpiochip0");
        chip(544, "gpio-brcmstb@107d508520", 4, "gpiochip1");
        chip(548, "gpio-brcmstb@107d517c00", 17, "gpiochip2");
        chip(565, "gpio-brcmstb@107d517c20", 6, "gpiochip3");
        chip(571, "pinctrl-rp1", 54, "gpiochip4");
        assertThat(RaspberryPiBoard.detect(root)).hasValueSatisfying(b -> assertThat(b.isPi5OrLater()).isTrue());
        assertThat(GpioChips.header(root)).isEqualTo(new GpioChips.Chip("gpiochip4", "pinctrl-rp1", 571, 54));
    }

    @Test
    void pi5WithANewKernelListingChipsByDevice() throws Exception {
        model("Raspberry Pi 5 Model B Rev 1.1");
        for (String[] c : new String[][] {{"chip0", "pinctrl-rp1"}, {"chip10", "gpio-brcmstb@107d508500"}}) {
            Path dir = Files.createDirectories(root.resolve("sys/class/gpio").resolve(c[0]));
            Files.writeString(dir.resolve("label"), c[1] + "\n");
            Files.writeString(dir.resolve("ngpio"), "54\n");
        }
        assertThat(GpioChips.header(root)).isEqualTo(new GpioChips.Chip("gpiochip0", "pinctrl-rp1", -1, 54));
    }

    @Test
    void aPcIsNoPiAndHasNoHeader() throws Exception {
        assertThat(RaspberryPiBoard.detect(root)).isEmpty();
        model("QEMU Virtual Machine");
        assertThat(RaspberryPiBoard.detect(root)).isEmpty();
        chip(0, "gpio-mockup-A", 8, "gpiochip0");
        IOException e = assertThrows(IOException.class, () -> GpioChips.header(root));
        assertThat(e.getMessage()).contains("no GPIO controller for the 40-pin header").contains("gpio-mockup-A");
    }
}
