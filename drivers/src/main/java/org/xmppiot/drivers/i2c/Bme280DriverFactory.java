package org.xmppiot.drivers.i2c;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.spi.DeviceUse;
import org.xmppiot.core.spi.Driver;
import org.xmppiot.core.spi.DriverContext;
import org.xmppiot.core.spi.DriverFactory;
import org.xmppiot.drivers.pi4j.GpioPlatform;

/**
 * {@code driver: bme280}: a Bosch BME280 or BMP280 on I2C.
 * <pre>
 * - id: attic
 *   driver: bme280
 *   bus: 1
 *   address: 0x76
 *   interval: 30s
 * </pre>
 */
public final class Bme280DriverFactory implements DriverFactory {

    @Override
    public String name() {
        return "bme280";
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of("platform", "bus", "address", "interval");
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
        int bus = bus(s);
        int address = 0x76;
        if (s.has("address")) {
            String text = s.get("address").asString().trim();
            try {
                address = Integer.decode(text);
            } catch (NumberFormatException e) {
                address = -1;
            }
            if (address != 0x76 && address != 0x77) {
                throw s.get("address").error("'" + text + "' is not a BME280 address; it is 0x76 (SDO to ground) or 0x77 (SDO to 3.3 V)");
            }
        }
        Duration interval = s.duration("interval", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofDays(1));
        return new Bme280Driver(thing.id(), platform, GpioPlatform.of(context), bus, address, interval);
    }

    @Override
    public List<DeviceUse> devices(ThingConfig thing) throws ConfigException {
        ConfigNode s = thing.section();
        if (GpioPlatform.fromConfig(s) == GpioPlatform.Kind.MOCK) {
            return List.of();
        }
        int bus = bus(s);
        return List.of(new DeviceUse(Path.of("/dev/i2c-" + bus), true, "I2C bus " + bus,
                "enable I2C: add dtparam=i2c_arm=on to /boot/firmware/config.txt, make sure the i2c-dev module loads, and reboot"));
    }

    /** The I2C bus number; 1 is the one on the header's pins 3 and 5. */
    private static int bus(ConfigNode s) throws ConfigException {
        return s.integer("bus", 1, 0, 31);
    }
}
