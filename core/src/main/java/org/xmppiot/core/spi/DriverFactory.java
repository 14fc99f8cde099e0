package org.xmppiot.core.spi;

import java.util.List;
import java.util.Set;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ThingConfig;

/**
 * Makes drivers of one kind; found with {@link java.util.ServiceLoader} and chosen by a thing's
 * {@code driver:} key in the configuration.
 */
public interface DriverFactory {

    /** The value of {@code driver:} that selects this factory, e.g. {@code simulated}. */
    String name();

    /** The keys this driver reads from a thing's section, besides the ones every thing has. */
    Set<String> settingKeys();

    /**
     * Validates the thing's settings and makes a driver that has not started yet. Must not open
     * devices, so that {@code check-config} can call it safely.
     */
    Driver create(ThingConfig thing) throws ConfigException;

    /**
     * The same, for a thing of a running gateway: drivers that share a bus, an adapter or a platform with other things
     * take it from {@code context} when they start, and report the bridge's status there. By default the context is
     * not needed.
     */
    default Driver create(ThingConfig thing, DriverContext context) throws ConfigException {
        return create(thing);
    }

    /**
     * Checks the enabled things of this kind against each other (two devices with one address on one bus, a bus
     * asked for with different line settings), after each passed {@link #create} on its own. The error names the
     * later thing's line.
     */
    default void checkTogether(List<ThingConfig> things) throws ConfigException {
    }

    /** The device files a thing of this kind opens (for {@code doctor}); none for drivers that need no device. */
    default List<DeviceUse> devices(ThingConfig thing) throws ConfigException {
        return List.of();
    }

    /** Checks {@code doctor} runs against a thing's device (does it answer?); none by default. Must not start the thing. */
    default List<DeviceProbe> probes(ThingConfig thing) throws ConfigException {
        return List.of();
    }
}
