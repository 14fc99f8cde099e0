package org.xmppiot.gateway.qos;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.iqrequest.AbstractIqRequestHandler;
import org.jivesoftware.smack.iqrequest.IQRequestHandler;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.IQ;
import org.jxmpp.jid.Jid;

/**
 * The receiving side of {@code urn:xmpp:qos}. Acknowledged messages are answered and handed over
 * (a repeat is handed over again: at least once). Assured messages are kept under their sender and
 * message id and answered {@code received}; only {@code deliver} hands one over, once: repeats of
 * either phase are answered but change nothing. What it remembers is bounded.
 */
public final class QosReceiver {

    private static final int REMEMBERED = 10_000;

    static {
        QosIqProvider.register();
    }

    private final BiConsumer<Jid, ExtensionElement> deliver;
    private final Map<String, ExtensionElement> held = bounded();
    private final Map<String, Boolean> delivered = bounded();
    private final java.util.concurrent.atomic.AtomicLong repeats = new java.util.concurrent.atomic.AtomicLong();

    public QosReceiver(BiConsumer<Jid, ExtensionElement> deliver) {
        this.deliver = deliver;
    }

    private static <V> Map<String, V> bounded() {
        return new LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > REMEMBERED;
            }
        };
    }

    /** Answers this connection's QoS IQs; call for every new session. */
    public void register(XMPPConnection connection) {
        connection.registerIQRequestHandler(handler(QosIq.ACKNOWLEDGED));
        connection.registerIQRequestHandler(handler(QosIq.ASSURED));
        connection.registerIQRequestHandler(handler(QosIq.DELIVER));
    }

    private IQRequestHandler handler(String element) {
        return new AbstractIqRequestHandler(element, QosIq.NAMESPACE, IQ.Type.set, IQRequestHandler.Mode.sync) {
            @Override
            public IQ handleIQRequest(IQ request) {
                return handle((QosIq) request);
            }
        };
    }

    private IQ handle(QosIq request) {
        Jid from = request.getFrom();
        switch (request.element()) {
            case QosIq.ACKNOWLEDGED -> {
                if (request.payload() != null) {
                    deliver.accept(from, request.payload());
                }
                return IQ.createResultIQ(request);
            }
            case QosIq.ASSURED -> {
                String key = key(from, request.msgId());
                synchronized (this) {
                    if (delivered.containsKey(key) || held.containsKey(key)) {
                        repeats.incrementAndGet();
                    } else if (request.payload() != null) {
                        held.put(key, request.payload());
                    }
                }
                QosIq received = new QosIq(QosIq.RECEIVED, request.msgId(), null);
                received.setType(IQ.Type.result);
                received.setStanzaId(request.getStanzaId());
                received.setTo(from);
                return received;
            }
            default -> {
                String key = key(from, request.msgId());
                ExtensionElement payload;
                synchronized (this) {
                    payload = held.remove(key);
                    if (payload != null) {
                        delivered.put(key, Boolean.TRUE);
                    } else {
                        repeats.incrementAndGet();
                    }
                }
                if (payload != null) {
                    deliver.accept(from, payload);
                }
                return IQ.createResultIQ(request);
            }
        }
    }

    /** Assured messages held, awaiting their deliver. */
    public synchronized int held() {
        return held.size();
    }

    /** Repeated assured or deliver requests answered without handing anything over again. */
    public long repeatsIgnored() {
        return repeats.get();
    }

    /** By bare JID: the sender may come back under another resource. */
    private static String key(Jid from, String msgId) {
        return (from == null ? "" : from.asBareJid().toString()) + " " + msgId;
    }
}
