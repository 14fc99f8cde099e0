package org.xmppiot.core.config;

import java.nio.file.Path;
import java.util.List;

/** The whole, validated gateway configuration. */
public record GatewayConfig(Path file, XmppConfig xmpp, AccessConfig access, List<ThingConfig> things, int busQueueCapacity,
                            StoreConfig store, ObserveConfig observe, DiscoveryConfig discovery) {

    public GatewayConfig {
        things = List.copyOf(things);
    }
}
