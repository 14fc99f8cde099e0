package org.xmppiot.drivers.serial;

import org.xmppiot.drivers.common.SerialLine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.spi.Driver;
import org.xmppiot.core.spi.DeviceProfile;
import org.xmppiot.core.spi.DeviceUse;
import org.xmppiot.core.spi.DriverFactory;
import org.xmppiot.core.spi.FrameMapper;
import org.xmppiot.core.spi.MapperRegistry;
import org.xmppiot.core.spi.Poll;
import org.xmppiot.core.spi.ProfileRegistry;

/**
 * {@code driver: serial}: a device on a serial port (USB adapter, UART, pseudo-terminal). Either a
 * stock {@code profile:} says how to read it, or {@code framing:} (lines or binary packets),
 * {@code mapping:} and, for a device that answers only when asked, {@code poll:} do.
 * <pre>
 * - id: bench
 *   driver: serial
 *   port: /dev/serial/by-id/usb-Arduino_Uno_1234-if00
 *   baud: 9600
 *   mapping: { type: csv, fields: [ { name: temperature, column: 1, unit: "°C" } ] }
 * </pre>
 */
public final class SerialDriverFactory implements DriverFactory {

    @Override
    public String name() {
        return "serial";
    }

    @Override
    public Set<String> settingKeys() {
        Set<String> keys = new HashSet<>(SerialLine.KEYS);
        keys.addAll(Set.of("framing", "mapping", "profile", "poll-interval", "poll"));
        return keys;
    }

    @Override
    public Driver create(ThingConfig thing) throws ConfigException {
        ConfigNode section = thing.section();
        if (section.has("profile")) {
            for (String own : new String[] {"framing", "mapping", "poll"}) {
                if (section.has(own)) {
                    throw section.get(own).error("a profile brings its own framing and mapping; remove either "
                            + own + " or the profile");
                }
            }
            DeviceProfile profile = ProfileRegistry.fromClassPath().find(section.get("profile"));
            SerialLine settings = SerialLine.read(section, profile.baud());
            Poll poll = profile.poll().orElse(null);
            if (section.has("poll-interval")) {
                if (poll == null) {
                    throw section.get("poll-interval").error("the " + profile.name() + " sends by itself; only polled devices have a poll-interval");
                }
                poll = poll.withInterval(section.duration("poll-interval", poll.interval(), Duration.ofMillis(100), Duration.ofDays(1)));
            }
            return new SerialDriver(thing.id(), settings, Framer.of(profile.framing()), profile.mapper(), poll);
        }
        if (section.has("poll-interval")) {
            throw section.get("poll-interval").error("poll-interval goes with a polled device profile (such as mhz19b); "
                    + "for a device of your own, write poll: { request: ..., interval: ... }");
        }
        SerialLine settings = SerialLine.read(section, 9600);
        Framer framer = Framer.of(FramingConfig.read(section.section("framing")));
        FrameMapper mapper = MapperRegistry.fromClassPath().create(section.get("mapping"));
        Poll poll = section.has("poll") ? PollConfig.read(section.section("poll")) : null;
        return new SerialDriver(thing.id(), settings, framer, mapper, poll);
    }

    @Override
    public List<DeviceUse> devices(ThingConfig thing) throws ConfigException {
        return List.of(new DeviceUse(Path.of(thing.section().string("port")), true, "serial port",
                "is the device plugged in? `xmpp-iot-gateway ports` lists the serial ports this machine has"));
    }
}
