package org.xmppiot.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.core.spi.Driver;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.core.thing.Thing;
import org.xmppiot.core.thing.ThingRegistry;

/**
 * The configured things on the registry: made from their sections, started, restarted one at a time,
 * and brought in line with a new list of things without touching those that did not change.
 * Drivers are always made (and so their settings checked) before anything running is stopped.
 */
final class ConfiguredThings {

    private static final Logger log = LoggerFactory.getLogger(ConfiguredThings.class);

    private final DriverRegistry drivers;
    private final ThingRegistry things;
    /** Told the id of each thing started after the first start, so that its node is made now. */
    private final Consumer<String> added;
    private List<ThingConfig> current = List.of();

    ConfiguredThings(DriverRegistry drivers, ThingRegistry things, Consumer<String> added) {
        this.drivers = drivers;
        this.things = things;
        this.added = added;
    }

    /** What a new list of things did, thing by thing. */
    record Changes(List<String> added, List<String> changed, List<String> removed, int unchanged) {

        @Override
        public String toString() {
            return "added " + names(added) + ", changed " + names(changed) + ", removed " + names(removed) + ", " + unchanged + " unchanged";
        }

        private static String names(List<String> ids) {
            return ids.isEmpty() ? "none" : String.join(" ", ids);
        }
    }

    /** Makes the drivers and registers the things, without starting any: the first step of a start. */
    synchronized List<ThingConfig> register(List<ThingConfig> configured) throws ConfigException {
        Map<ThingConfig, Driver> created = create(configured);
        register(created);
        current = List.copyOf(configured);
        return current;
    }

    /** Starts every registered, enabled thing of the configuration; the first that cannot start is reported. */
    synchronized void startAll() throws GatewayStartException {
        start(current);
    }

    /**
     * Brings the running things in line with {@code next}: unchanged things are left alone, removed ones
     * stop, changed ones restart alone, added ones start. If a thing then does not start, the exception
     * says which; the caller applies the old list the same way.
     */
    synchronized Changes apply(List<ThingConfig> next) throws ConfigException, GatewayStartException {
        Map<String, ThingConfig> old = new LinkedHashMap<>();
        current.forEach(t -> old.put(t.id(), t));
        List<ThingConfig> toStart = new ArrayList<>();
        List<String> addedIds = new ArrayList<>();
        List<String> changedIds = new ArrayList<>();
        int unchanged = 0;
        for (ThingConfig t : next) {
            ThingConfig before = old.remove(t.id());
            if (before == null) {
                addedIds.add(t.id());
                toStart.add(t);
            } else if (!before.sameAs(t)) {
                changedIds.add(t.id());
                toStart.add(t);
            } else {
                unchanged++;
            }
        }
        Map<ThingConfig, Driver> created = create(toStart);
        List<String> removedIds = List.copyOf(old.keySet());
        removedIds.forEach(things::remove);
        changedIds.forEach(things::remove);
        current = List.copyOf(next);
        register(created);
        start(toStart);
        toStart.forEach(t -> added.accept(t.id()));
        Changes changes = new Changes(addedIds, changedIds, removedIds, unchanged);
        log.info("configuration applied thing by thing: {}", changes);
        return changes;
    }

    /**
     * Stops one configured thing's driver and starts a new one from the same section, e.g. after its
     * device was replaced. Returns null when it runs again, otherwise why not (it then stays stopped).
     */
    synchronized String restart(String thingId) {
        Thing thing = things.thing(thingId).orElse(null);
        if (thing == null || thing.config() == null) {
            return "no configured thing '" + thingId + "'" + (thing != null ? " (things found on the network have no driver here)" : "");
        }
        if (thing.status().state() == ThingStatus.State.DISABLED) {
            return "thing '" + thingId + "' is disabled in the configuration";
        }
        things.remove(thingId);
        try {
            things.add(thing.config(), drivers.factoryOf(thing.config()).create(thing.config(), things));
            things.start(thingId);
        } catch (ConfigException | RuntimeException e) {
            log.warn("driver of thing '{}' did not start again: {}", thingId, e.getMessage());
            return "thing '" + thingId + "' did not start again: " + e.getMessage();
        }
        log.info("driver of thing '{}' restarted", thingId);
        return null;
    }

    /** Drivers for the enabled things (null for disabled ones), made without touching any device. */
    private Map<ThingConfig, Driver> create(List<ThingConfig> configured) throws ConfigException {
        Map<ThingConfig, Driver> created = new LinkedHashMap<>();
        for (ThingConfig thing : configured) {
            created.put(thing, thing.enabled() ? drivers.factoryOf(thing).create(thing, things) : null);
        }
        return created;
    }

    private void register(Map<ThingConfig, Driver> created) {
        for (Map.Entry<ThingConfig, Driver> e : created.entrySet()) {
            if (e.getValue() == null) {
                things.addDisabled(e.getKey(), "enabled: false in the configuration");
            } else {
                things.add(e.getKey(), e.getValue());
            }
        }
    }

    private void start(List<ThingConfig> configured) throws GatewayStartException {
        for (ThingConfig t : configured) {
            if (things.thing(t.id()).map(x -> x.status().state() != ThingStatus.State.DISABLED).orElse(false)) {
                try {
                    things.start(t.id());
                } catch (RuntimeException ex) {
                    throw new GatewayStartException("thing '" + t.id() + "' cannot start: " + ex.getMessage(), ex);
                }
            }
        }
    }
}
