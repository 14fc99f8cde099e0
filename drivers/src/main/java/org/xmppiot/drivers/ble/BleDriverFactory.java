package org.xmppiot.drivers.ble;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.spi.Driver;
import org.xmppiot.core.spi.DriverContext;
import org.xmppiot.core.spi.DriverFactory;

/**
 * {@code driver: ble}: a Bluetooth LE sensor read from its advertisements, named by its address (the things list is
 * the allow-list: nobody else's device is published).
 * <pre>
 * - id: fridge
 *   driver: ble
 *   mac: A4:C1:38:8D:18:B2
 *   bind-key: 231d39c1d7cc1ab1aee224cd096db932   # BTHome devices that encrypt
 *   timeout: 10m
 * </pre>
 */
public final class BleDriverFactory implements DriverFactory {

    @Override
    public String name() {
        return "ble";
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of("mac", "format", "bind-key", "timeout", "adapter", "dbus-address");
    }

    @Override
    public Driver create(ThingConfig thing) throws ConfigException {
        return create(thing, DriverContext.standalone());
    }

    /** Things heard through one adapter share its scanner through {@code context}. */
    @Override
    public Driver create(ThingConfig thing, DriverContext context) throws ConfigException {
        ConfigNode s = thing.section();
        String mac = s.string("mac").toUpperCase(Locale.ROOT);
        if (!mac.matches("([0-9A-F]{2}:){5}[0-9A-F]{2}")) {
            throw s.get("mac").error("'" + s.string("mac") + "' is not a Bluetooth address; write it as A4:C1:38:8D:18:B2 (ble-scan lists them)");
        }
        BleDriver.Format format = BleDriver.Format.valueOf(s.choice("format", "auto", "auto", "bthome", "ruuvi", "pvvx").toUpperCase(Locale.ROOT));
        byte[] key = null;
        if (s.has("bind-key")) {
            String text = s.string("bind-key").trim();
            if (!text.matches("[0-9a-fA-F]{32}")) {
                throw s.get("bind-key").error("a bind key is 32 hexadecimal digits (16 bytes), as the device's firmware or app shows it");
            }
            if (format != BleDriver.Format.AUTO && format != BleDriver.Format.BTHOME) {
                throw s.get("bind-key").error("bind-key is for encrypted BTHome devices; " + format.name().toLowerCase(Locale.ROOT) + " does not encrypt");
            }
            key = HexFormat.of().parseHex(text);
        }
        Duration timeout = s.duration("timeout", Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofDays(7));
        String adapter = s.has("adapter") ? s.string("adapter") : null;
        if (adapter != null && !adapter.matches("hci\\d+")) {
            throw s.get("adapter").error("'" + adapter + "' is not an adapter name; write hci0, hci1 ... (bluetoothctl list)");
        }
        return new BleDriver(thing.id(), mac, format, key, timeout, s.string("dbus-address", null), adapter, context);
    }
}
