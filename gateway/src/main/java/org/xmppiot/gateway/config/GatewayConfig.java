package org.xmppiot.gateway.config;

import org.xmppiot.discovery.DiscoveryConfig;
import org.xmppiot.core.config.ThingConfig;
import java.nio.file.Path;
import java.util.List;

/** The whole, validated gateway configuration. */
public record GatewayConfig(Path file, XmppConfig xmpp, AccessConfig access, List<ThingConfig> things, int busQueueCapacity,
                            StoreConfig store, ObserveConfig observe, DiscoveryConfig discovery, HttpConfig http) {

    public GatewayConfig {
        things = List.copyOf(things);
    }
}
