package org.xmppiot.bench;

import java.time.Duration;
import java.util.List;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.pubsub.LeafNode;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.jivesoftware.smackx.pubsub.listener.ItemEventListener;
import org.jxmpp.jid.impl.JidCreate;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.gateway.demo.ProsodyServer;
import org.xmppiot.gateway.iotdata.SensorDataFields;

/** The reader account subscribed to a peer's nodes; every reading's latency comes from its {@code sent} field. */
final class Subscriber implements AutoCloseable {

    private final XMPPTCPConnection connection;
    private final long clockZero;
    private final LatencyRecorder recorder;
    private volatile long firstItemNanos;
    /** Items already counted, by node and item id. */
    private final java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong duplicates = new java.util.concurrent.atomic.AtomicLong();

    Subscriber(BenchXmpp xmpp, String resource, long clockZero, LatencyRecorder recorder) throws Exception {
        this.connection = xmpp.connect(BenchXmpp.READER, resource);
        this.clockZero = clockZero;
        this.recorder = recorder;
    }

    /** Subscribes to each node, waiting for it to exist (a gateway creates its own nodes after it connects). */
    void subscribe(List<String> nodes, Duration wait) throws Exception {
        PubSubManager pubsub = PubSubManager.getInstanceFor(connection, JidCreate.bareFrom(ProsodyServer.PUBSUB_SERVICE));
        ItemEventListener<PayloadItem<SensorDataFields>> listener = event -> {
            long now = System.nanoTime();
            if (firstItemNanos == 0) {
                firstItemNanos = now;
            }
            double nowMs = (now - clockZero) / 1e6;
            for (PayloadItem<SensorDataFields> item : event.getItems()) {
                if (!seen.add(event.getNodeId() + " " + item.getId())) {
                    duplicates.incrementAndGet(); // Told twice (e.g. a second subscription): counted once.
                    continue;
                }
                for (Reading r : item.getPayload().readings()) {
                    Field sent = r.field("sent");
                    if (sent != null && sent.value() instanceof FieldValue.NumericValue n) {
                        recorder.record(nowMs - n.value().doubleValue());
                    }
                }
            }
        };
        long deadline = System.nanoTime() + wait.toNanos();
        for (String node : nodes) {
            while (true) {
                try {
                    LeafNode leaf = pubsub.getLeafNode(node);
                    leaf.addItemEventListener(listener);
                    leaf.subscribe(connection.getUser().asBareJid());
                    break;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("node " + node + " did not appear: " + e, e);
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    /**
     * Subscribes again (the listener stays as it is). A gateway makes its nodes whitelist-only after creating
     * them; a subscription made in between is dropped by the server, so once items flow it is made again.
     */
    void resubscribe(List<String> nodes) throws Exception {
        PubSubManager pubsub = PubSubManager.getInstanceFor(connection, JidCreate.bareFrom(ProsodyServer.PUBSUB_SERVICE));
        for (String node : nodes) {
            pubsub.getLeafNode(node).subscribe(connection.getUser().asBareJid());
        }
    }

    /** Items the server told this subscriber more than once (counted once). */
    long duplicates() {
        return duplicates.get();
    }

    /** When the first item arrived ({@link System#nanoTime}), or 0. */
    long firstItemNanos() {
        return firstItemNanos;
    }

    @Override
    public void close() {
        connection.disconnect();
    }
}
