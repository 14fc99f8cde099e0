package org.xmppiot.drivers.modbus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.config.YamlConfigReader;

/**
 * A stock register map for a device people own, from its maker's datasheet: its fields and the line settings it
 * leaves the factory with. Kept as YAML next to this class ({@code profiles/NAME.yaml}), in the same keys a user
 * writes for a device of their own.
 */
record ModbusProfile(String id, String name, int baud, int readThrough, int maxRegisters, ConfigNode document) {

    static final List<String> STOCK = List.of("sdm120", "sdm630", "xy-md02");

    static ModbusProfile find(ConfigNode key) throws ConfigException {
        String id = key.asString().trim();
        if (!STOCK.contains(id)) {
            throw key.error("'" + id + "' is not a Modbus profile; stock profiles are " + String.join(", ", STOCK)
                    + " (or describe the device with registers:)");
        }
        String resource = "profiles/" + id + ".yaml";
        try (InputStream in = ModbusProfile.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw key.error("the profile " + id + " is missing from this build");
            }
            ConfigNode doc = YamlConfigReader.read("modbus profile " + id, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return new ModbusProfile(id, doc.string("name"), doc.integer("baud", 9600, 300, 4_000_000),
                    doc.integer("read-through", 0, 0, 124), doc.integer("max-registers", 125, 1, 125), doc);
        } catch (IOException e) {
            throw key.error("cannot read the profile " + id + ": " + e.getMessage());
        }
    }
}
