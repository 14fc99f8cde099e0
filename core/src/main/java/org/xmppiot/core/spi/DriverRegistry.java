package org.xmppiot.core.spi;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.config.ConfigException;

/** The driver factories on the class path, by name. */
public final class DriverRegistry {

    private final Map<String, DriverFactory> factories;

    public DriverRegistry(Iterable<DriverFactory> factories) {
        Map<String, DriverFactory> byName = new TreeMap<>();
        for (DriverFactory f : factories) {
            DriverFactory clash = byName.putIfAbsent(f.name(), f);
            if (clash != null) {
                throw new IllegalStateException("two driver factories are named '" + f.name() + "': "
                        + clash.getClass().getName() + " and " + f.getClass().getName());
            }
        }
        this.factories = Map.copyOf(byName);
    }

    /** The factories registered under META-INF/services on the class path. */
    public static DriverRegistry fromClassPath() {
        return new DriverRegistry(ServiceLoader.load(DriverFactory.class));
    }

    /** The factory named by {@code node}'s value, or an error listing the drivers there are. */
    public DriverFactory find(ConfigNode node) throws ConfigException {
        String name = node.asString();
        DriverFactory f = factories.get(name);
        if (f == null) {
            throw node.error("no driver named '" + name + "'; available: " + String.join(", ", new TreeMap<>(factories).keySet()));
        }
        return f;
    }
}
