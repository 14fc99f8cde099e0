package org.xmppiot.gateway;

import java.io.IOException;
import java.util.function.Consumer;

import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.spi.DeviceProfile;
import org.xmppiot.core.spi.ProfileRegistry;
import org.xmppiot.core.thing.ThingRegistry;
import org.xmppiot.discovery.GatewayAnnouncement;
import org.xmppiot.discovery.MdnsDiscovery;
import org.xmppiot.discovery.SmartObjectThings;
import org.xmppiot.gateway.config.GatewayConfig;

/** Smart objects found by mDNS become things (a node each, readings on the bus), and the gateway announces itself. */
final class NetworkThings implements AutoCloseable {

    private final SmartObjectThings smartObjects;
    private final MdnsDiscovery discovery;

    private NetworkThings(SmartObjectThings smartObjects, MdnsDiscovery discovery) {
        this.smartObjects = smartObjects;
        this.discovery = discovery;
    }

    /** Starts browsing and announcing; {@code nodeFor} makes the node of each thing found. */
    static NetworkThings start(GatewayConfig config, ThingRegistry things, Consumer<String> nodeFor, String version)
            throws GatewayStartException {
        DeviceProfile json = ProfileRegistry.fromClassPath().named("json-lines")
                .orElseThrow(() -> new IllegalStateException("the json-lines profile is missing from the class path"));
        SmartObjectThings smartObjects = new SmartObjectThings(things, config.discovery().pollInterval(), json, o -> {
            things.addDiscovered(o.thingId(), o.instance());
            nodeFor.accept(o.thingId());
        });
        GatewayAnnouncement self = new GatewayAnnouncement("xmpp-iot-gateway " + config.xmpp().jid(), config.xmpp().jid(),
                version, config.xmpp().pubsub().nodePrefix(), config.things().stream().map(ThingConfig::id).toList());
        try {
            return new NetworkThings(smartObjects, MdnsDiscovery.start(config.discovery(), self, smartObjects));
        } catch (IOException e) {
            smartObjects.close();
            throw new GatewayStartException("discovery cannot start: " + e.getMessage(), e);
        }
    }

    MdnsDiscovery discovery() {
        return discovery;
    }

    @Override
    public void close() {
        discovery.close();
        smartObjects.close();
    }
}
