package org.xmppiot.drivers.modbus;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.xmppiot.core.spi.DriverContext;

/**
 * The links in use in one gateway, one per serial port or TCP endpoint, shared by the things configured on it and
 * closed when the last of them stops. Things on one bus must agree on its line settings. One per
 * {@link DriverContext}: a second gateway in the same process (a restart, a test) has its own.
 */
final class ModbusLinks {

    private record Entry(ModbusLink link, String firstThing, int users) {
    }

    private final Map<String, Entry> links = new HashMap<>();

    /** The links of {@code context}. */
    static ModbusLinks of(DriverContext context) {
        return context.shared(ModbusLinks.class, ModbusLinks::new);
    }

    /** The link for {@code key}, made by {@code make} when no running thing uses it yet. */
    synchronized ModbusLink acquire(String key, String thingId, Supplier<ModbusLink> make) throws IllegalStateException {
        Entry entry = links.get(key);
        if (entry == null) {
            ModbusLink link = make.get();
            links.put(key, new Entry(link, thingId, 1));
            return link;
        }
        ModbusLink wanted = make.get();
        if (!wanted.settings().equals(entry.link().settings()) || wanted.timeoutMillis() != entry.link().timeoutMillis()) {
            throw new IllegalStateException(entry.link().describe() + " is already in use by '" + entry.firstThing() + "' at "
                    + entry.link().settings() + " with a timeout of " + entry.link().timeoutMillis() + " ms; things on one bus need the same "
                    + "line settings and timeout (this one asks for " + wanted.settings() + ", " + wanted.timeoutMillis() + " ms)");
        }
        links.put(key, new Entry(entry.link(), entry.firstThing(), entry.users() + 1));
        return entry.link();
    }

    /** Gives the link back; true when that was its last user (it is closed then). */
    synchronized boolean release(String key, ModbusLink link) {
        Entry entry = links.get(key);
        if (entry == null || entry.link() != link) {
            return false;
        }
        if (entry.users() <= 1) {
            links.remove(key);
            link.close();
            return true;
        }
        links.put(key, new Entry(entry.link(), entry.firstThing(), entry.users() - 1));
        return false;
    }
}
