package org.xmppiot.drivers.modbus;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.spi.DeviceProbe;
import org.xmppiot.core.spi.DeviceUse;
import org.xmppiot.core.spi.Driver;
import org.xmppiot.core.spi.DriverContext;
import org.xmppiot.core.spi.DriverFactory;
import org.xmppiot.drivers.common.SerialLine;

/**
 * {@code driver: modbus}: a Modbus RTU device on a serial port ({@code port:}, several things may share one bus
 * with their own {@code unit:}) or a Modbus TCP device ({@code host:}), read by a stock {@code profile:} or by the
 * user's {@code registers:}.
 * <pre>
 * - id: meter
 *   driver: modbus
 *   port: /dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A10K1234-if00-port0
 *   unit: 1
 *   profile: sdm120
 * - id: boiler
 *   driver: modbus
 *   host: 192.168.1.40
 *   registers:
 *     - { name: flow-temperature, table: input, address: 0, type: int16, scale: 0.1, unit: "°C" }
 *     - { name: setpoint, table: holding, address: 10, type: uint16, writable: true, min: 20, max: 80, unit: "°C" }
 * </pre>
 */
public final class ModbusDriverFactory implements DriverFactory {

    private static final Set<String> OWN_KEYS = Set.of("host", "tcp-port", "unit", "profile", "registers", "poll-interval",
            "timeout", "retries", "read-through", "max-registers", "byte-order", "word-order");

    /** What {@link #create} and the probes share: where the device is and how it is read. */
    private record Plan(ModbusDriver.LinkSpec link, String where, int unit, int tries, List<RegisterField> fields,
                        List<PollGroup> groups) {
    }

    @Override
    public String name() {
        return "modbus";
    }

    @Override
    public Set<String> settingKeys() {
        Set<String> keys = new HashSet<>(SerialLine.KEYS);
        keys.addAll(OWN_KEYS);
        return keys;
    }

    @Override
    public Driver create(ThingConfig thing) throws ConfigException {
        return create(thing, DriverContext.standalone());
    }

    /** Things on one bus share its link through {@code context}, and report the bus there as a bridge. */
    @Override
    public Driver create(ThingConfig thing, DriverContext context) throws ConfigException {
        Plan plan = plan(thing);
        return new ModbusDriver(thing.id(), context, plan.link(), plan.unit(), plan.tries(), plan.fields(), plan.groups());
    }

    private Plan plan(ThingConfig thing) throws ConfigException {
        ConfigNode s = thing.section();
        boolean rtu = s.has("port");
        if (rtu == s.has("host")) {
            throw s.error(rtu ? "give either port: (Modbus RTU on a serial port) or host: (Modbus TCP), not both"
                    : "needs port: (Modbus RTU, e.g. /dev/ttyUSB0) or host: (Modbus TCP, e.g. 192.168.1.40)");
        }
        if (rtu && s.has("tcp-port")) {
            throw s.get("tcp-port").error("tcp-port goes with host:; a serial device is reached by port:");
        }
        if (!rtu) {
            for (String key : SerialLine.KEYS) {
                if (!key.equals("port") && s.has(key)) {
                    throw s.get(key).error(key + " is a serial line setting; a Modbus TCP device has none");
                }
            }
        }
        if (s.has("profile") == s.has("registers")) {
            throw s.error(s.has("profile") ? "give either profile: or registers:, not both"
                    : "needs profile: (" + String.join(", ", ModbusProfile.STOCK) + ") or registers: (the device's register map)");
        }
        ModbusProfile profile = s.has("profile") ? ModbusProfile.find(s.get("profile")) : null;
        // Unit 0 is the RTU broadcast address, which no device answers; TCP devices often use 0 or 255.
        int unit = rtu ? s.integer("unit", 1, 1, 247) : s.integer("unit", 1, 0, 255);
        int timeout = (int) s.duration("timeout", Duration.ofSeconds(1), Duration.ofMillis(20), Duration.ofSeconds(30)).toMillis();
        int tries = 1 + s.integer("retries", 2, 0, 10);
        int readThrough = s.integer("read-through", profile == null ? 0 : profile.readThrough(), 0, 124);
        int maxRegisters = s.integer("max-registers", profile == null ? 125 : profile.maxRegisters(), 1, 125);
        RegisterMapReader reader = new RegisterMapReader(s.choice("byte-order", "big", "big", "little"),
                s.choice("word-order", "big", "big", "little"),
                s.duration("poll-interval", Duration.ofSeconds(10), RegisterMapReader.MIN_POLL, RegisterMapReader.MAX_POLL));
        List<RegisterField> fields = profile == null ? reader.read(s, "registers") : reader.read(profile.document(), "registers");
        List<PollGroup> groups = PollGroup.plan(fields, readThrough, maxRegisters);
        ModbusDriver.LinkSpec link;
        String where;
        if (rtu) {
            SerialLine line = SerialLine.read(s, profile == null ? 9600 : profile.baud());
            link = new ModbusDriver.LinkSpec("rtu:" + line.path(), () -> new RtuLink(line, timeout));
            where = line.path();
        } else {
            String host = s.string("host");
            int port = s.integer("tcp-port", 502, 1, 65535);
            link = new ModbusDriver.LinkSpec("tcp:" + host + ":" + port, () -> new TcpLink(host, port, timeout));
            where = host + ":" + port;
        }
        return new Plan(link, where, unit, tries, fields, groups);
    }

    /** Things on one bus or TCP address: one unit id each, and (on a serial bus) the same line settings and timeout. */
    @Override
    public void checkTogether(List<ThingConfig> things) throws ConfigException {
        java.util.Map<String, ThingConfig> firstOnLink = new java.util.HashMap<>();
        java.util.Map<String, ThingConfig> byUnit = new java.util.HashMap<>();
        for (ThingConfig thing : things) {
            Plan plan = plan(thing);
            ModbusLink link = plan.link().make().get();
            ThingConfig first = firstOnLink.putIfAbsent(plan.link().key(), thing);
            if (first != null) {
                ModbusLink theirs = plan(first).link().make().get();
                if (!theirs.settings().equals(link.settings()) || theirs.timeoutMillis() != link.timeoutMillis()) {
                    throw thing.section().error("'" + thing.id() + "' asks for " + link.settings() + " and a " + link.timeoutMillis() + " ms timeout on "
                            + plan.where() + ", but '" + first.id() + "' (line " + first.section().line() + ") for " + theirs.settings() + " and "
                            + theirs.timeoutMillis() + " ms; things on one bus share its line settings and timeout");
                }
            }
            ThingConfig same = byUnit.putIfAbsent(plan.link().key() + "#" + plan.unit(), thing);
            if (same != null) {
                ConfigNode at = thing.section().has("unit") ? thing.section().get("unit") : thing.section();
                throw at.error("unit " + plan.unit() + " on " + plan.where() + " is already '" + same.id() + "' (line " + same.section().line()
                        + "); each device on a bus needs its own unit id");
            }
        }
    }

    @Override
    public List<DeviceUse> devices(ThingConfig thing) throws ConfigException {
        ConfigNode s = thing.section();
        if (!s.has("port")) {
            return List.of();
        }
        return List.of(new DeviceUse(Path.of(s.string("port")), true, "Modbus RTU bus",
                "plug in the RS-485 adapter, or correct port: (ls /dev/serial/by-id/ lists adapters by name)"));
    }

    /** One probe per thing: its unit id answers the first read of its register map. */
    @Override
    public List<DeviceProbe> probes(ThingConfig thing) throws ConfigException {
        Plan plan = plan(thing);
        ReadBlock first = plan.groups().get(0).blocks().get(0);
        return List.of(new DeviceProbe() {
            @Override
            public String what() {
                return thing.id() + ": unit " + plan.unit() + " on " + plan.where();
            }

            @Override
            public String run() throws Exception {
                try (ModbusLink link = plan.link().make().get()) {
                    if (first.table().holdsWords()) {
                        link.readWords(plan.unit(), first.table(), first.first(), first.count(), plan.tries());
                    } else {
                        link.readBits(plan.unit(), first.table(), first.first(), first.count(), plan.tries());
                    }
                }
                return "answers a read of " + first.describe();
            }
        });
    }
}
