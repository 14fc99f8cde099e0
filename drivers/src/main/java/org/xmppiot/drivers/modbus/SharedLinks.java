package org.xmppiot.drivers.modbus;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The links in use, one per serial port or TCP endpoint, shared by the things configured on it and closed
 * when the last of them stops. Things on one bus must agree on its line settings.
 */
final class SharedLinks {

    private record Entry(ModbusLink link, String firstThing, int users) {
    }

    private static final Map<String, Entry> LINKS = new HashMap<>();

    private SharedLinks() {
    }

    /** The link for {@code key}, made by {@code make} when no running thing uses it yet. */
    static synchronized ModbusLink acquire(String key, String thingId, Supplier<ModbusLink> make) throws IllegalStateException {
        Entry entry = LINKS.get(key);
        if (entry == null) {
            ModbusLink link = make.get();
            LINKS.put(key, new Entry(link, thingId, 1));
            return link;
        }
        ModbusLink wanted = make.get();
        if (!wanted.settings().equals(entry.link().settings()) || wanted.timeoutMillis() != entry.link().timeoutMillis()) {
            throw new IllegalStateException(entry.link().describe() + " is already in use by '" + entry.firstThing() + "' at "
                    + entry.link().settings() + " with a timeout of " + entry.link().timeoutMillis() + " ms; things on one bus need the same "
                    + "line settings and timeout (this one asks for " + wanted.settings() + ", " + wanted.timeoutMillis() + " ms)");
        }
        LINKS.put(key, new Entry(entry.link(), entry.firstThing(), entry.users() + 1));
        return entry.link();
    }

    static synchronized void release(String key, ModbusLink link) {
        Entry entry = LINKS.get(key);
        if (entry == null || entry.link() != link) {
            return;
        }
        if (entry.users() <= 1) {
            LINKS.remove(key);
            link.close();
        } else {
            LINKS.put(key, new Entry(entry.link(), entry.firstThing(), entry.users() - 1));
        }
    }
}
