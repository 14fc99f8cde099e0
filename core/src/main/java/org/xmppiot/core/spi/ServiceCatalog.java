package org.xmppiot.core.spi;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;

/**
 * Plug-ins of one kind found with {@link ServiceLoader}, by the name a configuration uses for them
 * (a driver's {@code driver:}, a mapping's {@code type:}, a device's {@code profile:}).
 */
public final class ServiceCatalog<T> {

    private final Map<String, T> byName = new TreeMap<>();
    private final String what;

    /** {@code what} names the kind in messages, e.g. "driver named" gives "no driver named 'x'". */
    public ServiceCatalog(Iterable<T> found, Function<T, String> name, String what) {
        this.what = what;
        for (T t : found) {
            T clash = byName.putIfAbsent(name.apply(t), t);
            if (clash != null) {
                throw new IllegalStateException("two plug-ins share the name '" + name.apply(t) + "': "
                        + clash.getClass().getName() + " and " + t.getClass().getName());
            }
        }
    }

    public static <T> ServiceCatalog<T> fromClassPath(Class<T> type, Function<T, String> name, String what) {
        return new ServiceCatalog<>(ServiceLoader.load(type), name, what);
    }

    /** The plug-in named by {@code node}'s value, or an error at that node listing the names there are. */
    public T find(ConfigNode node) throws ConfigException {
        String name = node.asString();
        T t = byName.get(name);
        if (t == null) {
            throw node.error("no " + what + " '" + name + "'; available: " + String.join(", ", byName.keySet()));
        }
        return t;
    }

    /** The plug-in of this name, for code that names one itself; empty when it is not on the class path. */
    public java.util.Optional<T> named(String name) {
        return java.util.Optional.ofNullable(byName.get(name));
    }

    public Iterable<String> names() {
        return byName.keySet();
    }
}
