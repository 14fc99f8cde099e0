package org.xmppiot.drivers.serial;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.spi.Driver;
import org.xmppiot.core.spi.DriverFactory;
import org.xmppiot.core.spi.FrameMapper;
import org.xmppiot.core.spi.MapperRegistry;

/**
 * {@code driver: serial}: a device on a serial port (USB adapter, UART, pseudo-terminal) that sends
 * lines, mapped to fields by the thing's {@code mapping:}.
 * <pre>
 * - id: bench
 *   driver: serial
 *   port: /dev/serial/by-id/usb-Arduino_Uno_1234-if00
 *   baud: 9600
 *   mapping: { type: csv, fields: [ { name: temperature, column: 1, unit: "°C" } ] }
 * </pre>
 */
public final class SerialDriverFactory implements DriverFactory {

    private static final Set<String> FRAMING_KEYS = Set.of("type", "delimiter", "max-length");

    @Override
    public String name() {
        return "serial";
    }

    @Override
    public Set<String> settingKeys() {
        Set<String> keys = new HashSet<>(SerialSettings.KEYS);
        keys.addAll(Set.of("framing", "mapping"));
        return keys;
    }

    @Override
    public Driver create(ThingConfig thing) throws ConfigException {
        SerialSettings settings = SerialSettings.read(thing.section());
        LineFramer framer = framer(thing.section().section("framing"));
        FrameMapper mapper = MapperRegistry.fromClassPath().create(thing.section().get("mapping"));
        return new SerialDriver(thing.id(), settings, framer, mapper);
    }

    private static LineFramer framer(ConfigNode framing) throws ConfigException {
        framing.expectOnlyKeys(FRAMING_KEYS);
        framing.choice("type", "line", "line");
        String delimiter = framing.has("delimiter") ? framing.get("delimiter").asString() : "\n";
        if (delimiter.isEmpty()) {
            throw framing.get("delimiter").error("must not be empty");
        }
        int maxLength = framing.integer("max-length", 1024, 1, 1_048_576);
        return new LineFramer(delimiter.getBytes(StandardCharsets.UTF_8), maxLength);
    }
}
