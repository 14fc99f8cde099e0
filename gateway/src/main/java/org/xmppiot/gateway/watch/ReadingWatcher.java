package org.xmppiot.gateway.watch;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.pubsub.Item;
import org.jivesoftware.smackx.pubsub.ItemPublishEvent;
import org.jivesoftware.smackx.pubsub.LeafNode;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.jivesoftware.smackx.pubsub.listener.ItemEventListener;
import org.jxmpp.jid.impl.JidCreate;
import org.xmppiot.gateway.config.XmppConfig;
import org.xmppiot.core.model.Reading;
import org.xmppiot.gateway.iotdata.provider.SensorDataProviders;
import org.xmppiot.gateway.iotdata.SensorDataFields;
import org.xmppiot.gateway.xmpp.SessionSetupException;
import org.xmppiot.gateway.xmpp.XmppConnectionFactory;

/**
 * Subscribes an XMPP account to pub/sub nodes and hands every reading that arrives to a callback.
 * The subscription is made for this connection's full JID and removed on close. A node carries the
 * thing's status readings ({@link Reading#isStatus()}) among its measurements, whenever the status
 * changes: {@link #measurements} leaves them out for a caller that wants values only.
 */
public final class ReadingWatcher implements AutoCloseable {

    private final XmppConfig config;
    private final Consumer<Reading> onReading;
    private final List<LeafNode> subscribed = new ArrayList<>();
    private XMPPTCPConnection connection;

    public ReadingWatcher(XmppConfig config, Consumer<Reading> onReading) {
        // Its own resource: watching with the gateway's account must not log the gateway out.
        this.config = config.withResource(config.resource() + "-watch-" + Long.toString(System.nanoTime() & 0xffffff, 36));
        this.onReading = onReading;
    }

    /** A watcher that hands on measurements only, never the things' status readings. */
    public static ReadingWatcher measurements(XmppConfig config, Consumer<Reading> onMeasurement) {
        return new ReadingWatcher(config, r -> {
            if (!r.isStatus()) {
                onMeasurement.accept(r);
            }
        });
    }

    /** Connects, logs in and subscribes to every node; throws what Smack throws on failure. */
    public void start(List<String> nodes) throws Exception {
        SensorDataProviders.register();
        connection = XmppConnectionFactory.create(config);
        connection.connect().login();
        PubSubManager pubsub = PubSubManager.getInstanceFor(connection, JidCreate.bareFrom(config.pubsub().service()));
        for (String nodeId : nodes) {
            LeafNode node;
            try {
                node = pubsub.getLeafNode(nodeId);
                node.addItemEventListener(new Listener());
                node.subscribe(connection.getUser());
            } catch (XMPPErrorException e) {
                throw new SessionSetupException("Cannot watch node '" + nodeId + "' on " + config.pubsub().service() + ": "
                        + e.getStanzaError().getCondition() + why(pubsub, nodeId, e.getStanzaError().getCondition()) + ".", e);
            }
            subscribed.add(node);
        }
    }

    /** What the error means for someone watching: a node name that lacks its prefix, or an account not allowed to read. */
    private String why(PubSubManager pubsub, String nodeId, StanzaError.Condition condition) {
        return switch (condition) {
            case item_not_found -> {
                List<String> near = similarNodes(pubsub, nodeId);
                yield near.isEmpty() ? " (no such node: is the gateway running, and is the name right?)"
                        : " (no such node; did you mean " + String.join(" or ", near) + "?)";
            }
            case forbidden, not_authorized, not_allowed, registration_required -> " (only the gateway's owners and readers may"
                    + " subscribe: ask its owner to add " + config.jid() + " to access.readers)";
            default -> "";
        };
    }

    /** The service's nodes named like {@code nodeId} with a prefix (home/livingroom for livingroom); none when it lists none. */
    private static List<String> similarNodes(PubSubManager pubsub, String nodeId) {
        try {
            return pubsub.discoverNodes(null).getItems().stream().map(org.jivesoftware.smackx.disco.packet.DiscoverItems.Item::getNode)
                    .filter(n -> n != null && (n.endsWith("/" + nodeId) || n.equalsIgnoreCase(nodeId))).sorted().limit(3).toList();
        } catch (Exception e) {
            return List.of(); // A service that lists nothing gets the plain sentence.
        }
    }

    private final class Listener implements ItemEventListener<Item> {
        @Override
        public void handlePublishedItems(ItemPublishEvent<Item> event) {
            for (Item item : event.getItems()) {
                if (item instanceof PayloadItem<?> p && p.getPayload() instanceof SensorDataFields fields) {
                    fields.itemReadings().forEach(onReading);
                }
            }
        }
    }

    @Override
    public void close() {
        if (connection == null) {
            return;
        }
        if (connection.isAuthenticated()) {
            // Leaving should not wait long for a server that is already gone.
            connection.setReplyTimeout(2_000);
            for (LeafNode node : subscribed) {
                try {
                    node.unsubscribe(connection.getUser().toString());
                } catch (Exception e) {
                    // Best effort: a subscription left for a gone full JID receives nothing.
                }
            }
        }
        connection.disconnect();
    }
}
