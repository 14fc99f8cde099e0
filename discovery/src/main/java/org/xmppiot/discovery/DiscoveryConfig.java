package org.xmppiot.discovery;

import java.time.Duration;
import java.util.List;

/**
 * mDNS / DNS-SD: whether the gateway takes part at all (off unless configured: announcing itself on a
 * network is the owner's choice), the address to use ({@code auto}: the first real, multicast-capable
 * IPv4 interface), whether it advertises itself, which service types it browses for smart objects,
 * how many it keeps, and how often it polls those that offer data.
 */
public record DiscoveryConfig(boolean enabled, String bind, boolean advertise, List<String> browse, int maxObjects,
                              Duration pollInterval) {

    /** The type the gateway advertises itself under, and `discover` looks for. */
    public static final String GATEWAY_TYPE = "_xmpp-iot._tcp.local.";
    /** The type smart objects announce themselves under, unless configured otherwise. */
    public static final String OBJECT_TYPE = "_xmpp-iot-object._tcp.local.";

    public DiscoveryConfig {
        browse = List.copyOf(browse);
    }

    public static DiscoveryConfig off() {
        return new DiscoveryConfig(false, "auto", true, List.of(OBJECT_TYPE), 256, Duration.ofSeconds(10));
    }
}
