package org.xmppiot.core.spi;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.config.ThingConfig;

/** The driver factories on the class path, by the name of their {@code driver:}. */
public final class DriverRegistry {

    private final ServiceCatalog<DriverFactory> catalog;

    private DriverRegistry(ServiceCatalog<DriverFactory> catalog) {
        this.catalog = catalog;
    }

    /** The factories registered under META-INF/services on the class path. */
    public static DriverRegistry fromClassPath() {
        return new DriverRegistry(ServiceCatalog.fromClassPath(DriverFactory.class, DriverFactory::name, "driver named"));
    }

    /** The factory named by {@code node}'s value, or an error listing the drivers there are. */
    public DriverFactory find(ConfigNode node) throws ConfigException {
        return catalog.find(node);
    }

    /** The factory of a configured thing's driver, named by its {@code driver:} key. */
    public DriverFactory factoryOf(ThingConfig thing) throws ConfigException {
        return find(thing.section().get("driver"));
    }
}
