package org.xmppiot.gateway.pubsub;

import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PublishItem;
import org.jivesoftware.smackx.pubsub.packet.PubSub;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.config.PubSubConfig;
import org.xmppiot.core.model.Reading;
import org.xmppiot.gateway.sensordata.element.SensorDataFields;
import org.xmppiot.gateway.xmpp.XmppUplink;

/**
 * Publishes each reading as an XEP-0323 {@code fields} item to its thing's node. Keeps a bounded
 * window of publishes in flight instead of waiting for each result: one round trip per reading
 * would cap a gateway at a few hundred readings a second.
 */
public final class PubSubPublisher implements Consumer<Reading> {

    private static final Logger log = LoggerFactory.getLogger(PubSubPublisher.class);
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final XmppUplink uplink;
    private final PubSubConfig config;
    private final BareJid service;
    private final int window;
    private final Semaphore inFlight;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong lastFailureLog = new AtomicLong(System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS);
    /** Publishes lost with a connection, sent again (oldest first) before anything newer. */
    private final PriorityBlockingQueue<Reading> retries = new PriorityBlockingQueue<>(64,
            Comparator.comparing(Reading::timestamp).thenComparingLong(Reading::sequence));
    private final AtomicLong retried = new AtomicLong();
    private volatile boolean closing;

    public PubSubPublisher(XmppUplink uplink, PubSubConfig config, int window) throws XmppStringprepException {
        this.uplink = uplink;
        this.config = config;
        this.service = JidCreate.bareFrom(config.service());
        this.window = window;
        this.inFlight = new Semaphore(window);
    }

    /** Called on the bus thread; waits (only this thread) for a session and a free place in the window. */
    @Override
    public void accept(Reading reading) {
        try {
            XMPPTCPConnection connection = null;
            while (connection == null) {
                if (closing) {
                    failed.incrementAndGet();
                    return;
                }
                connection = uplink.awaitReady(Duration.ofSeconds(1));
            }
            Reading lost;
            while ((lost = retries.poll()) != null) {
                inFlight.acquire();
                retried.incrementAndGet();
                send(connection, lost);
            }
            inFlight.acquire();
            send(connection, reading);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed.incrementAndGet();
        }
    }

    private void send(XMPPTCPConnection connection, Reading reading) {
        String node = config.nodeFor(reading.thingId());
        PayloadItem<SensorDataFields> item = new PayloadItem<>(itemId(reading), node, SensorDataFields.of(reading));
        PubSub request = PubSub.createPubsubPacket(service, IQ.Type.set, new PublishItem<>(node, item));
        connection.sendIqRequestAsync(request)
                .onSuccess(result -> {
                    published.incrementAndGet();
                    inFlight.release();
                })
                .onError(e -> {
                    if (e instanceof XMPPException.XMPPErrorException || closing) {
                        // The server refused this item (or we are stopping): sending it again will not help.
                        failed.incrementAndGet();
                        logFailure(node, e);
                    } else {
                        // The connection went away (or never answered): keep the reading for the next session.
                        retries.add(reading);
                    }
                    inFlight.release();
                });
    }

    /** Stable per reading, so publishing the same reading again replaces the item instead of adding one. */
    static String itemId(Reading reading) {
        return reading.timestamp().toEpochMilli() + "-" + reading.sequence();
    }

    private void logFailure(String node, Exception e) {
        long now = System.nanoTime();
        long last = lastFailureLog.get();
        if (now - last >= FAILURE_LOG_INTERVAL_NANOS && lastFailureLog.compareAndSet(last, now)) {
            log.warn("pubsub publish to node={} failed: {} (failed_total={})", node, e.toString(), failed.get());
        }
    }

    /**
     * Waits until no publish is awaiting its result and none waits to be sent again, at most
     * {@code timeout}. Sends the waiting ones itself when the session is up.
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (!inFlight.tryAcquire(window, Math.max(0, left), TimeUnit.NANOSECONDS)) {
                return false;
            }
            inFlight.release(window);
            Reading lost = retries.peek();
            if (lost == null) {
                return true;
            }
            XMPPTCPConnection connection = uplink.awaitReady(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (connection == null) {
                return false;
            }
            while ((lost = retries.poll()) != null) {
                inFlight.acquire();
                retried.incrementAndGet();
                send(connection, lost);
            }
        }
    }

    /** Stops waiting for a session: readings still arriving are counted as failed, not held forever. */
    public void close() {
        closing = true;
    }

    public long published() {
        return published.get();
    }

    public long failed() {
        return failed.get();
    }

    /** Publishes sent again after their connection was lost. */
    public long retried() {
        return retried.get();
    }

    /** Readings waiting to be sent again. */
    public int waitingForRetry() {
        return retries.size();
    }
}
