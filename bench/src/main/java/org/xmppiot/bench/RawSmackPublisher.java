package org.xmppiot.bench;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jivesoftware.smack.StanzaListener;
import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PublishItem;
import org.jivesoftware.smackx.pubsub.packet.PubSub;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.gateway.demo.ProsodyServer;
import org.xmppiot.gateway.iotdata.SensorDataFields;

/**
 * The server's ceiling: one Smack client publishing the gateway's payloads as fast as the server
 * confirms them, 64 in flight, with no devices, store or bus in the way.
 */
final class RawSmackPublisher {

    private RawSmackPublisher() {
    }

    /**
     * The server's latency floor: one reading per item at a steady {@code rate}, so that a subscriber
     * sees what publishing and notification alone cost.
     */
    static void paced(XMPPTCPConnection connection, List<String> nodes, double rate, double seconds, long clockZero) throws Exception {
        Jid service = JidCreate.bareFrom(ProsodyServer.PUBSUB_SERVICE);
        long start = System.nanoTime();
        for (long n = 0; n < rate * seconds; n++) {
            long due = start + (long) (n * 1e9 / rate);
            java.util.concurrent.locks.LockSupport.parkNanos(due - System.nanoTime());
            String node = nodes.get((int) (n % nodes.size()));
            BigDecimal sent = BigDecimal.valueOf((System.nanoTime() - clockZero) / 1e6).setScale(3, RoundingMode.HALF_UP);
            Reading r = new Reading(node, n, Instant.now().truncatedTo(ChronoUnit.MILLIS), List.of(
                    Field.readout("seq", new FieldValue.NumericValue(BigDecimal.valueOf(n), null)),
                    Field.readout("sent", new FieldValue.NumericValue(sent, "ms"))));
            connection.sendStanza(PubSub.createPubsubPacket(service, IQ.Type.set,
                    new PublishItem<>(node, new PayloadItem<>(SensorDataFields.of(r)))));
        }
    }

    /** Publishes for {@code seconds} round-robin over {@code nodes}; returns readings confirmed by the server. */
    static long run(XMPPTCPConnection connection, List<String> nodes, int readingsPerItem, double seconds, long clockZero) throws Exception {
        Jid service = JidCreate.bareFrom(ProsodyServer.PUBSUB_SERVICE);
        Semaphore window = new Semaphore(64);
        AtomicLong confirmed = new AtomicLong();
        // Answers are counted by a plain listener: Smack's futures run their callbacks through a small
        // executor and would measure that instead of the server.
        StanzaListener counter = answer -> {
            if (((IQ) answer).getType() == IQ.Type.result) {
                confirmed.addAndGet(readingsPerItem);
            }
            window.release();
        };
        StanzaFilter answers = s -> s instanceof IQ iq && (iq.getType() == IQ.Type.result || iq.getType() == IQ.Type.error)
                && service.equals(iq.getFrom());
        connection.addSyncStanzaListener(counter, answers);
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long seq = 0;
        int n = 0;
        while (System.nanoTime() < end) {
            String node = nodes.get(n++ % nodes.size());
            List<Reading> readings = new ArrayList<>(readingsPerItem);
            BigDecimal sent = BigDecimal.valueOf((System.nanoTime() - clockZero) / 1e6).setScale(3, RoundingMode.HALF_UP);
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            for (int i = 0; i < readingsPerItem; i++) {
                seq++;
                readings.add(new Reading(node, seq, now, List.of(
                        Field.readout("seq", new FieldValue.NumericValue(BigDecimal.valueOf(seq), null)),
                        Field.readout("sent", new FieldValue.NumericValue(sent, "ms")))));
            }
            IQ publish = PubSub.createPubsubPacket(service, IQ.Type.set,
                    new PublishItem<>(node, new PayloadItem<>(new SensorDataFields(seq, true, readings))));
            window.acquire();
            connection.sendStanza(publish);
        }
        window.tryAcquire(64, 30, TimeUnit.SECONDS);
        connection.removeSyncStanzaListener(counter);
        return confirmed.get();
    }
}
