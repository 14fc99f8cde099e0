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
import org.xmppiot.gateway.sensordata.element.SensorDataFields;

/**
 * The server's ceiling: one Smack client publishing the gateway's payloads as fast as the server
 * confirms them, 64 in flight, with no devices, store or bus in the way.
 */
final class RawSmackPublisher {

    private RawSmackPublisher() {
    }

    /** Publishes for {@code seconds} round-robin over {@code nodes}; returns readings confirmed by the server. */
    static long run(XMPPTCPConnection connection, List<String> nodes, int readingsPerItem, double seconds, long clockZero) throws Exception {
        Jid service = JidCreate.bareFrom(ProsodyServer.PUBSUB_SERVICE);
        Semaphore window = new Semaphore(64);
        AtomicLong confirmed = new AtomicLong();
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
            var answer = connection.sendIqRequestAsync(publish, 30_000);
            answer.onSuccess(r -> confirmed.addAndGet(readingsPerItem));
            answer.onCompletion(f -> window.release());
        }
        window.tryAcquire(64, 30, TimeUnit.SECONDS);
        return confirmed.get();
    }
}
