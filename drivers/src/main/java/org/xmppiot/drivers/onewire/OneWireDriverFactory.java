package org.xmppiot.drivers.onewire;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.spi.DeviceUse;
import org.xmppiot.core.spi.Driver;
import org.xmppiot.core.spi.DriverFactory;

/**
 * {@code driver: onewire}: DS18B20 sensors through the kernel's 1-Wire files.
 * <pre>
 * - id: tank
 *   driver: onewire
 *   interval: 30s
 *   sensors:
 *     - { device: 28-0316a2795aff, field: water }
 * </pre>
 */
public final class OneWireDriverFactory implements DriverFactory {

    /** DS18B20 ids: family 28, then 12 hex digits. */
    private static final Pattern DS18B20 = Pattern.compile("28-[0-9a-f]{12}");
    private static final Path KERNEL_DEVICES = Path.of("/sys/bus/w1/devices");

    @Override
    public String name() {
        return "onewire";
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of("interval", "sensors", "devices-path");
    }

    @Override
    public Driver create(ThingConfig thing) throws ConfigException {
        ConfigNode section = thing.section();
        // A DS18B20 needs up to 750 ms per conversion; asking more often only repeats values.
        Duration interval = section.duration("interval", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofDays(1));
        Path devices = devicesPath(section);
        List<ConfigNode> nodes = section.list("sensors");
        if (nodes.isEmpty()) {
            throw section.get("sensors").error("a onewire thing needs at least one sensor, e.g. "
                    + "sensors: [{ device: 28-0316a2795aff, field: water }]; the ids are the 28-... names in " + KERNEL_DEVICES);
        }
        List<OneWireDriver.Sensor> sensors = new ArrayList<>();
        Set<String> fields = new HashSet<>();
        for (ConfigNode n : nodes) {
            if (n.kind() != ConfigNode.Kind.MAP) {
                throw n.error("each sensor is a section with device and field");
            }
            n.expectOnlyKeys(Set.of("device", "field"));
            String device = n.string("device");
            if (!DS18B20.matcher(device).matches()) {
                throw n.get("device").error("'" + device + "' is not a DS18B20 id; they look like 28-0316a2795aff "
                        + "(family 28, then 12 hex digits), as listed in " + KERNEL_DEVICES);
            }
            String field = n.string("field");
            if (!fields.add(field) || field.equals(org.xmppiot.core.thing.ThingRegistry.STATUS_FIELD)) {
                throw n.get("field").error("the field name '" + field + "' is already used in this thing");
            }
            sensors.add(new OneWireDriver.Sensor(device, field));
        }
        return new OneWireDriver(thing.id(), devices, interval, sensors);
    }

    @Override
    public List<DeviceUse> devices(ThingConfig thing) throws ConfigException {
        ConfigNode section = thing.section();
        Path devices = devicesPath(section);
        List<DeviceUse> uses = new ArrayList<>();
        for (ConfigNode n : section.list("sensors")) {
            String device = n.string("device");
            uses.add(new DeviceUse(devices.resolve(device).resolve("w1_slave"), false, "1-Wire sensor " + device,
                    "enable 1-Wire (dtoverlay=w1-gpio in /boot/firmware/config.txt, then reboot) and check the wiring "
                    + "and the 4.7 kΩ pull-up; the sensors found are listed in " + devices));
        }
        return uses;
    }

    /** Where the kernel lists 1-Wire devices, or another directory given as devices-path. */
    private static Path devicesPath(ConfigNode section) throws ConfigException {
        return section.has("devices-path") ? Path.of(section.string("devices-path")) : KERNEL_DEVICES;
    }
}
