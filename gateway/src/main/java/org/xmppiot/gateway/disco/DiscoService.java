package org.xmppiot.gateway.disco;


import java.util.Comparator;
import java.util.List;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.iqrequest.AbstractIqRequestHandler;
import org.jivesoftware.smack.iqrequest.IQRequestHandler;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.jivesoftware.smackx.iqversion.VersionManager;
import org.jivesoftware.smackx.ping.PingManager;
import org.xmppiot.gateway.feature.DiscoNodes;
import org.xmppiot.gateway.xmpp.Session;
import org.xmppiot.gateway.xmpp.SessionListener;
import org.xmppiot.core.thing.Thing;
import org.xmppiot.core.thing.ThingRegistry;
import org.xmppiot.gateway.access.AccessPolicy;

/**
 * Who the gateway is, for XMPP clients: XEP-0030 identity and features (each service adds the ones it
 * really implements), disco#items with one node per thing (for owners and readers only; others learn
 * nothing about things) and the XEP-0050 commands node, XEP-0092 version and XEP-0199 ping. XEP-0115 capabilities follow from the
 * features (Smack's entity caps).
 */
public final class DiscoService implements SessionListener {

    private final AccessPolicy access;
    private final ThingRegistry things;
    private final String version;
    private final List<DiscoNodes> nodes;

    /** {@code nodes}: the nodes other features answer (listed under their own name). */
    public DiscoService(AccessPolicy access, ThingRegistry things, String version, List<DiscoNodes> nodes) {
        this.access = access;
        this.things = things;
        this.version = version;
        this.nodes = List.copyOf(nodes);
    }

    @Override
    public void sessionStarted(Session session) {
        XMPPConnection connection = session.smack();
        ServiceDiscoveryManager disco = ServiceDiscoveryManager.getInstanceFor(connection);
        disco.setIdentity(new DiscoverInfo.Identity("client", "bot", "XMPP IoT Gateway"));
        VersionManager.setAutoAppendSmackVersion(false); // Our name and version, not the library's.
        VersionManager.getInstanceFor(connection).setVersion("xmpp-iot-gateway", version);
        PingManager.getInstanceFor(connection); // Answers XEP-0199 pings.
        // Replaces Smack's handler for disco#items, which lists nothing at the top level.
        connection.registerIQRequestHandler(new AbstractIqRequestHandler(DiscoverItems.ELEMENT, DiscoverItems.NAMESPACE, IQ.Type.get,
                IQRequestHandler.Mode.async) {
            @Override
            public IQ handleIQRequest(IQ request) {
                return items(connection, (DiscoverItems) request);
            }
        });
    }

    private IQ items(XMPPConnection connection, DiscoverItems request) {
        boolean allowed = access.isKnown(request.getFrom());
        DiscoverItems answer = new DiscoverItems();
        answer.setType(IQ.Type.result);
        answer.setNode(request.getNode());
        if (request.getNode() == null) {
            if (allowed) {
                // Each thing with its name and status, so a client's service browser shows what is offline and why.
                // Someone given some things only is shown those.
                for (Thing thing : things.things().stream().filter(t -> access.mayRead(request.getFrom(), t.id()))
                        .sorted(Comparator.comparing(Thing::id)).toList()) {
                    DiscoverItems.Item item = new DiscoverItems.Item(connection.getUser());
                    item.setNode(thing.id());
                    item.setName(thing.title() + " (" + thing.status() + ")");
                    answer.addItem(item);
                }
            }
            return answer;
        }
        for (DiscoNodes node : nodes) {
            if (node.node().equals(request.getNode())) {
                // E.g. XEP-0050 discovery: the commands this requester may run (none for strangers).
                answer.addItems(node.items(request.getFrom(), connection.getUser()));
                return answer;
            }
        }
        if (!allowed || things.thing(request.getNode()).isEmpty() || !access.mayRead(request.getFrom(), request.getNode())) {
            return IQ.createErrorResponse(request, StanzaError.getBuilder(StanzaError.Condition.item_not_found).build());
        }
        return answer; // A thing has no sub-items.
    }
}
