package org.xmppiot.drivers.simulated;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.spi.Driver;
import org.xmppiot.core.spi.DriverFactory;

/**
 * {@code driver: simulated}: a thing whose fields follow waveforms or a random walk.
 * <pre>
 * - id: greenhouse
 *   driver: simulated
 *   interval: 1s
 *   fields:
 *     - { name: temperature, unit: "°C", waveform: sine, min: 18, max: 26, period: 10m, decimals: 1 }
 * </pre>
 */
public final class SimulatedDriverFactory implements DriverFactory {

    private static final Set<String> FIELD_KEYS = Set.of("name", "type", "unit", "waveform", "min", "max", "period",
            "step", "value", "decimals", "seed");

    @Override
    public String name() {
        return "simulated";
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of("interval", "fields");
    }

    @Override
    public Driver create(ThingConfig thing) throws ConfigException {
        ConfigNode section = thing.section();
        Duration interval = section.duration("interval", Duration.ofSeconds(1), Duration.ofMillis(1), Duration.ofDays(1));
        List<ConfigNode> fieldNodes = section.list("fields");
        if (fieldNodes.isEmpty()) {
            throw section.get("fields").error("a simulated thing needs at least one field, e.g. "
                    + "fields: [{ name: temperature, unit: \"°C\", waveform: sine, min: 18, max: 26 }]");
        }
        List<SimulatedField> fields = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode f : fieldNodes) {
            SimulatedField field = field(f, thing.id().hashCode() * 31L + fields.size());
            if (!names.add(field.name())) {
                throw f.get("name").error("the field name '" + field.name() + "' is used twice in this thing");
            }
            fields.add(field);
        }
        return new SimulatedDriver(thing.id(), interval, fields);
    }

    private static SimulatedField field(ConfigNode f, long defaultSeed) throws ConfigException {
        if (f.kind() != ConfigNode.Kind.MAP) {
            throw f.error("each field must be a section with at least a name");
        }
        f.expectOnlyKeys(FIELD_KEYS);
        String name = f.string("name");
        String type = f.choice("type", "numeric", "numeric", "integer", "boolean");
        String unit = f.string("unit", "");
        if (!unit.isEmpty() && !type.equals("numeric")) {
            throw f.get("unit").error("only numeric fields have a unit; this field is " + type);
        }
        String shape = f.choice("waveform", "sine", "sine", "triangle", "square", "random-walk", "constant");
        double min = f.number("min", 0);
        double max = f.number("max", type.equals("boolean") ? 1 : 100);
        if (max < min) {
            throw f.get("max").error("max (" + max + ") is below min (" + min + ")");
        }
        double period = f.duration("period", Duration.ofMinutes(1), Duration.ofMillis(10), Duration.ofDays(365)).toMillis() / 1000.0;
        int decimals = f.integer("decimals", 1, 0, 9);
        Waveform waveform = switch (shape) {
            case "triangle" -> Waveform.triangle(min, max, period);
            case "square" -> Waveform.square(min, max, period);
            case "random-walk" -> Waveform.randomWalk(min, max, f.number("step", (max - min) / 50), f.integer("seed", (int) defaultSeed, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case "constant" -> Waveform.constant(f.number("value", (min + max) / 2));
            default -> Waveform.sine(min, max, period);
        };
        return new SimulatedField(name, type, unit, decimals, (min + max) / 2, waveform);
    }
}
