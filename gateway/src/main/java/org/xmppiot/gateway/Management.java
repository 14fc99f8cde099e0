package org.xmppiot.gateway;

import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import org.xmppiot.core.thing.ThingRegistry;
import org.xmppiot.gateway.adhoc.ManagedGateway;
import org.xmppiot.gateway.health.Health;
import org.xmppiot.gateway.health.HealthText;

/** What the management commands and the chat see of a gateway: its things, its health in words, restarting a driver. */
record Management(ThingRegistry things, Supplier<Health> health, Function<String, String> restart) implements ManagedGateway {

    @Override
    public Set<String> thingIds() {
        return things.ids();
    }

    /** A thing's human name: its configured name, or the instance name it announced. */
    @Override
    public String title(String thingId) {
        return things.title(thingId);
    }

    @Override
    public String status() {
        return HealthText.of(health.get());
    }

    @Override
    public String restartDriver(String thingId) {
        return restart.apply(thingId);
    }
}
