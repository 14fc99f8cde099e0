package org.xmppiot.drivers.pi4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import org.slf4j.Logger;
import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.slf4j.LoggerFactory;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import org.xmppiot.core.spi.DriverContext;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.linuxfs.provider.i2c.LinuxFsI2CProvider;
import com.pi4j.plugin.linuxfs.provider.pwm.LinuxFsPwmProvider;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import com.pi4j.plugin.mock.provider.i2c.MockI2CProvider;
import com.pi4j.plugin.mock.provider.pwm.MockPwmProvider;

/**
 * The Pi4J context the GPIO, PWM and I2C drivers of one gateway share, one per platform (a Pi's GPIO controller is
 * opened once), kept in the gateway's {@link DriverContext} rather than in static state. Built explicitly, never by auto-detection: on a Pi with the character
 * device ({@code gpiod}) for pins and the kernel's sysfs/dev files ({@code linuxfs}) for PWM and I2C, or
 * Pi4J's mock providers when the configuration asks for {@code platform: mock}. Closed with its last user.
 */
public final class GpioPlatform {

    private static final Logger log = LoggerFactory.getLogger(GpioPlatform.class);

    /** Where pins live: a real Raspberry Pi, or simulated pins for trying a configuration anywhere. */
    public enum Kind {
        RASPBERRY_PI, MOCK;

        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The sysfs pwmchip of the header's hardware PWM (as Pi4J's linuxfs plugin chooses). */
    private static final int RP1_PWM_CHIP = 2;
    private static final int LEGACY_PWM_CHIP = 0;

    private Context raspberryPi;
    private int raspberryPiUsers;
    private Context mock;
    private int mockUsers;

    private GpioPlatform() {
    }

    /** The platforms of {@code context}. */
    public static GpioPlatform of(DriverContext context) {
        return context.shared(GpioPlatform.class, GpioPlatform::new);
    }

    /** The shared context for {@code kind}; on a machine that is not a Pi, a clear refusal. */
    public synchronized Context acquire(Kind kind) {
        if (kind == Kind.MOCK) {
            if (mock == null) {
                mock = Pi4J.newContextBuilder().add(new MockPlatform()).add(MockDigitalInputProvider.newInstance(),
                        MockDigitalOutputProvider.newInstance(), MockPwmProvider.newInstance(), MockI2CProvider.newInstance()).build();
            }
            mockUsers++;
            return mock;
        }
        if (raspberryPi == null) {
            Path root = Path.of("/");
            RaspberryPiBoard board = RaspberryPiBoard.detect(root).orElseThrow(() -> new IllegalStateException(
                    "this machine is not a Raspberry Pi (" + describe(root) + "), so it has no GPIO header; "
                    + "to try the configuration here, set platform: mock on the GPIO and I2C things"));
            confirmHeaderChip(root, board);
            raspberryPi = Pi4J.newContextBuilder().add(GpioDDigitalInputProvider.newInstance(), GpioDDigitalOutputProvider.newInstance(),
                    // The header's PWM is pwmchip2 on the RP1 (Pi 5), pwmchip0 on older Pis.
                    LinuxFsPwmProvider.newInstance(board.isPi5OrLater() ? RP1_PWM_CHIP : LEGACY_PWM_CHIP),
                    LinuxFsI2CProvider.newInstance()).build();
        }
        raspberryPiUsers++;
        return raspberryPi;
    }

    /** The {@code platform} key of a GPIO or I2C thing: {@code raspberry-pi} (the default) or {@code mock}. */
    public static Kind fromConfig(ConfigNode thing) throws ConfigException {
        return "mock".equals(thing.choice("platform", "raspberry-pi", "raspberry-pi", "mock")) ? Kind.MOCK : Kind.RASPBERRY_PI;
    }

    /** Gives the context back; the last user's release shuts it down (outputs go to their shutdown states). */
    public synchronized void release(Kind kind) {
        if (kind == Kind.MOCK && --mockUsers == 0) {
            mock.shutdown();
            mock = null;
        } else if (kind == Kind.RASPBERRY_PI && --raspberryPiUsers == 0) {
            raspberryPi.shutdown();
            raspberryPi = null;
        }
    }

    /**
     * Names the header's controller in the log, or refuses when the kernel lists controllers but none
     * for the header. A kernel without the GPIO sysfs class lists none: then the character device is
     * all there is, and Pi4J finds the controller by the same labels through it.
     */
    private static void confirmHeaderChip(Path root, RaspberryPiBoard board) {
        try {
            if (GpioChips.list(root).isEmpty()) {
                log.info("gpio board=\"{}\": the kernel lists no GPIO controllers in sysfs; the header's is found through /dev/gpiochip*",
                        board.model());
                return;
            }
            GpioChips.Chip chip = GpioChips.header(root);
            log.info("gpio board=\"{}\" header chip=/dev/{} label={} lines={}", board.model(), chip.device(), chip.label(), chip.lines());
        } catch (IOException e) {
            throw new IllegalStateException(board.model() + ": " + e.getMessage(), e);
        }
    }

    private static String describe(Path root) {
        String model = RaspberryPiBoard.model(root);
        return model == null ? "no device-tree model" : "its device tree says \"" + model + "\"";
    }
}
