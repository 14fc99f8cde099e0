package org.xmppiot.core.spi;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;

/** The device profiles on the class path, by name. */
public final class ProfileRegistry {

    private final Map<String, DeviceProfile> profiles = new TreeMap<>();

    public ProfileRegistry(Iterable<DeviceProfile> found) {
        for (DeviceProfile p : found) {
            if (profiles.putIfAbsent(p.name(), p) != null) {
                throw new IllegalStateException("two device profiles are named '" + p.name() + "'");
            }
        }
    }

    public static ProfileRegistry fromClassPath() {
        return new ProfileRegistry(ServiceLoader.load(DeviceProfile.class));
    }

    /** The profile named by {@code node}'s value, or an error listing the profiles there are. */
    public DeviceProfile find(ConfigNode node) throws ConfigException {
        String name = node.asString();
        DeviceProfile p = profiles.get(name);
        if (p == null) {
            throw node.error("no device profile '" + name + "'; available: " + String.join(", ", profiles.keySet()));
        }
        return p;
    }
}
