package org.xmppiot.drivers.gpio;

import org.xmppiot.drivers.pi4j.GpioChips;

import org.xmppiot.drivers.pi4j.GpioPlatform;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.spi.DeviceUse;
import org.xmppiot.core.spi.Driver;
import org.xmppiot.core.spi.DriverContext;
import org.xmppiot.core.spi.DriverFactory;

import com.pi4j.io.gpio.digital.PullResistance;

/**
 * {@code driver: gpio}: pins of the 40-pin header, by their GPIO (BCM) number.
 * <pre>
 * - id: shed
 *   driver: gpio
 *   inputs:   [ { name: door, pin: 17, pull: up, debounce: 20ms, invert: true } ]
 *   counters: [ { name: rain, pin: 27, pull: up, per-pulse: 0.2794, unit: mm, rate-per: 1h } ]
 *   outputs:  [ { name: pump, pin: 22, safe: off } ]
 *   pwm:      [ { name: fan, pin: 18, frequency: 25000, safe: 0 } ]
 * </pre>
 */
public final class GpioDriverFactory implements DriverFactory {

    /** GPIO numbers that reach the 40-pin header on every Pi. */
    static final int MAX_HEADER_GPIO = 27;

    @Override
    public String name() {
        return "gpio";
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of("platform", "inputs", "counters", "counter-interval", "outputs", "pwm");
    }

    @Override
    public Driver create(ThingConfig thing) throws ConfigException {
        return create(thing, DriverContext.standalone());
    }

    /** Things on one platform share its Pi4J context through {@code context}. */
    @Override
    public Driver create(ThingConfig thing, DriverContext context) throws ConfigException {
        ConfigNode s = thing.section();
        GpioPlatform.Kind platform = GpioPlatform.fromConfig(s);
        Map<Integer, String> pinsUsed = new HashMap<>();
        Map<String, Integer> names = new HashMap<>();
        List<GpioDriver.Input> inputs = new ArrayList<>();
        for (ConfigNode n : entries(s, "inputs", Set.of("name", "pin", "pull", "debounce", "invert"))) {
            inputs.add(new GpioDriver.Input(name(n, names), pin(n, pinsUsed), pull(n), debounce(n, Duration.ofMillis(20)),
                    n.bool("invert", false)));
        }
        List<GpioDriver.Counter> counters = new ArrayList<>();
        for (ConfigNode n : entries(s, "counters", Set.of("name", "pin", "pull", "debounce", "edge", "per-pulse", "unit", "rate-per"))) {
            String name = name(n, names);
            names.put(name + "-rate", n.line());
            BigDecimal perPulse = perPulse(n);
            String unit = n.string("unit", "");
            Duration ratePer = n.duration("rate-per", Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofDays(1));
            counters.add(new GpioDriver.Counter(name, pin(n, pinsUsed), pull(n), debounce(n, Duration.ofMillis(5)),
                    "rising".equals(n.choice("edge", "falling", "falling", "rising")), perPulse, unit, ratePer, rateUnit(unit, ratePer)));
        }
        Duration counterInterval = s.duration("counter-interval", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofDays(1));
        List<GpioDriver.Output> outputs = new ArrayList<>();
        for (ConfigNode n : entries(s, "outputs", Set.of("name", "pin", "safe"))) {
            outputs.add(new GpioDriver.Output(name(n, names), pin(n, pinsUsed),
                    "on".equals(n.choice("safe", "off", "off", "on"))));
        }
        List<GpioDriver.PwmChannel> pwm = new ArrayList<>();
        for (ConfigNode n : entries(s, "pwm", Set.of("name", "pin", "frequency", "safe"))) {
            String name = name(n, names);
            int pin = pin(n, pinsUsed);
            if (pin != 12 && pin != 13 && pin != 18 && pin != 19) {
                throw n.get("pin").error("hardware PWM is on GPIO 12, 13, 18 or 19 only (two channels: 12/18 and 13/19)");
            }
            double safe = n.number("safe", 0);
            if (safe < 0 || safe > 100) {
                throw n.get("safe").error("a duty cycle is a percentage from 0 to 100");
            }
            pwm.add(new GpioDriver.PwmChannel(name, pin, n.integer("frequency", 1000, 1, 50_000_000), BigDecimal.valueOf(safe).stripTrailingZeros()));
        }
        if (inputs.isEmpty() && counters.isEmpty() && outputs.isEmpty() && pwm.isEmpty()) {
            throw s.error("a gpio thing needs at least one of inputs, counters, outputs or pwm, e.g. "
                    + "inputs: [{ name: door, pin: 17, pull: up }]");
        }
        return new GpioDriver(thing.id(), platform, GpioPlatform.of(context), new GpioDriver.Pins(inputs, counters, counterInterval, outputs, pwm));
    }

    private static List<ConfigNode> entries(ConfigNode s, String key, Set<String> keys) throws ConfigException {
        List<ConfigNode> out = s.list(key);
        for (ConfigNode n : out) {
            if (n.kind() != ConfigNode.Kind.MAP) {
                throw n.error("each entry of " + key + " is a section with at least name and pin");
            }
            n.expectOnlyKeys(keys);
        }
        return out;
    }

    private static String name(ConfigNode n, Map<String, Integer> names) throws ConfigException {
        String name = n.string("name");
        Integer first = names.putIfAbsent(name, n.line());
        if (first != null) {
            throw n.get("name").error("the field name '" + name + "' is already used in this thing (line " + first + ")");
        }
        return name;
    }

    private static int pin(ConfigNode n, Map<Integer, String> used) throws ConfigException {
        int pin = n.integer("pin", -1, 0, MAX_HEADER_GPIO);
        if (pin < 0) {
            throw n.error("pin is required: the GPIO (BCM) number, 0 to " + MAX_HEADER_GPIO + ", not the header position");
        }
        String other = used.putIfAbsent(pin, n.string("name"));
        if (other != null) {
            throw n.get("pin").error("GPIO " + pin + " is already used by '" + other + "'");
        }
        return pin;
    }

    private static PullResistance pull(ConfigNode n) throws ConfigException {
        return switch (n.choice("pull", "none", "none", "up", "down")) {
            case "up" -> PullResistance.PULL_UP;
            case "down" -> PullResistance.PULL_DOWN;
            default -> PullResistance.OFF;
        };
    }

    private static Duration debounce(ConfigNode n, Duration standard) throws ConfigException {
        return n.duration("debounce", standard, Duration.ZERO, Duration.ofSeconds(5));
    }

    private static BigDecimal perPulse(ConfigNode n) throws ConfigException {
        if (!n.has("per-pulse")) {
            return BigDecimal.ONE;
        }
        try {
            BigDecimal v = new BigDecimal(n.get("per-pulse").asString().trim());
            if (v.signum() <= 0) {
                throw n.get("per-pulse").error("must be above 0: what one pulse is worth, e.g. 0.2794 (mm of rain)");
            }
            return v;
        } catch (NumberFormatException e) {
            throw n.get("per-pulse").error("'" + n.get("per-pulse").asString() + "' is not a number; e.g. 0.001 (kWh per pulse)");
        }
    }

    /** "mm" per hour is "mm/h"; a unitless count per minute is "/min". */
    private static String rateUnit(String unit, Duration per) {
        String time = per.equals(Duration.ofHours(1)) ? "h" : per.equals(Duration.ofMinutes(1)) ? "min"
                : per.equals(Duration.ofSeconds(1)) ? "s" : per.equals(Duration.ofDays(1)) ? "d" : per.toSeconds() + " s";
        return unit + "/" + time;
    }

    @Override
    public List<DeviceUse> devices(ThingConfig thing) throws ConfigException {
        if (GpioPlatform.fromConfig(thing.section()) == GpioPlatform.Kind.MOCK) {
            return List.of();
        }
        String chip;
        try {
            chip = GpioChips.header(Path.of("/")).device();
        } catch (IOException e) {
            chip = "gpiochip0"; // Not a Pi, or no GPIO sysfs class: the check then says what is missing.
        }
        return List.of(new DeviceUse(Path.of("/dev", chip), true, "GPIO chip of the 40-pin header",
                "this machine has no GPIO header chip: is it a Raspberry Pi? To try the configuration elsewhere, set platform: mock"));
    }
}
