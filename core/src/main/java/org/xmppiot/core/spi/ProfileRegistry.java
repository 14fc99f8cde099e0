package org.xmppiot.core.spi;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;

/** The device profiles on the class path, by name. */
public final class ProfileRegistry {

    private final ServiceCatalog<DeviceProfile> catalog;

    private ProfileRegistry(ServiceCatalog<DeviceProfile> catalog) {
        this.catalog = catalog;
    }

    public static ProfileRegistry fromClassPath() {
        return new ProfileRegistry(ServiceCatalog.fromClassPath(DeviceProfile.class, DeviceProfile::name, "device profile"));
    }

    /** The profile of this name, when code (not configuration) picks one. */
    public java.util.Optional<DeviceProfile> named(String name) {
        return catalog.named(name);
    }

    /** The profile named by {@code node}'s value, or an error listing the profiles there are. */
    public DeviceProfile find(ConfigNode node) throws ConfigException {
        return catalog.find(node);
    }
}
