package org.xmppiot.gateway.pubsub;

import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.ConcurrentHashMap;
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
 * would cap a gateway at a few hundred readings a second. What a lost session did not confirm is
 * sent again, oldest first, with the same item id.
 */
public final class PubSubPublisher implements Consumer<Reading> {

    private static final Logger log = LoggerFactory.getLogger(PubSubPublisher.class);
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final Duration POLL = Duration.ofMillis(200);

    private final XmppUplink uplink;
    private final PubSubConfig config;
    private final BareJid service;
    private final Semaphore places;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong lastFailureLog = new AtomicLong(System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS);
    /** Readings a lost session did not confirm, to be sent again before anything newer. */
    private final PriorityBlockingQueue<Reading> retries = new PriorityBlockingQueue<>(64,
            Comparator.comparing(Reading::timestamp).thenComparingLong(Reading::sequence));
    /**
     * Publishes awaiting their result, by item id, with the session they were sent on. Whoever removes
     * an entry first (its result, or the change to a new session) settles it and frees its place.
     */
    private final ConcurrentHashMap<String, InFlight> awaiting = new ConcurrentHashMap<>();
    private XMPPTCPConnection session;
    private long sessionNumber;
    private volatile boolean closing;

    private record InFlight(long session, Reading reading) {
    }

    public PubSubPublisher(XmppUplink uplink, PubSubConfig config, int window) throws XmppStringprepException {
        this.uplink = uplink;
        this.config = config;
        this.service = JidCreate.bareFrom(config.service());
        this.places = new Semaphore(window);
    }

    /** Called on the bus thread; waits (only this thread) for a session and a free place in the window. */
    @Override
    public void accept(Reading reading) {
        try {
            if (!sendRetries(Long.MAX_VALUE)) {
                failed.incrementAndGet();
                return;
            }
            XMPPTCPConnection connection = place(Long.MAX_VALUE);
            if (connection == null) {
                failed.incrementAndGet();
                return;
            }
            send(connection, reading);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed.incrementAndGet();
        }
    }

    /** Sends what lost sessions left, oldest first; false if stopped or out of time first. */
    private boolean sendRetries(long deadline) throws InterruptedException {
        Reading lost;
        while ((lost = retries.peek()) != null) {
            XMPPTCPConnection connection = place(deadline);
            if (connection == null) {
                return false;
            }
            lost = retries.poll();
            if (lost == null) {
                places.release();
                break;
            }
            retried.incrementAndGet();
            send(connection, lost);
        }
        return true;
    }

    /**
     * Waits for a session and a free place in the window on it, until {@code deadline} (nanoTime).
     * Switching to a new session frees the places the old one still held. Null when stopping or late.
     */
    private XMPPTCPConnection place(long deadline) throws InterruptedException {
        while (!closing && System.nanoTime() < deadline) {
            XMPPTCPConnection connection = uplink.awaitReady(POLL);
            if (connection == null) {
                continue;
            }
            useSession(connection);
            if (places.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                return connection;
            }
        }
        return null;
    }

    /**
     * On a new session, whatever still awaits a result from the old one may never get it: take it
     * back for sending again instead of waiting for the old session's timeouts.
     */
    private synchronized void useSession(XMPPTCPConnection connection) {
        if (connection == session) {
            return;
        }
        session = connection;
        sessionNumber++;
        awaiting.forEach((id, entry) -> {
            if (entry.session() < sessionNumber && awaiting.remove(id, entry)) {
                retries.add(entry.reading());
                places.release();
            }
        });
    }

    private synchronized void send(XMPPTCPConnection connection, Reading reading) {
        String node = config.nodeFor(reading.thingId());
        String id = itemId(reading);
        InFlight entry = new InFlight(sessionNumber, reading);
        awaiting.put(id, entry);
        PayloadItem<SensorDataFields> item = new PayloadItem<>(id, node, SensorDataFields.of(reading));
        PubSub request = PubSub.createPubsubPacket(service, IQ.Type.set, new PublishItem<>(node, item));
        connection.sendIqRequestAsync(request)
                .onSuccess(result -> settle(id, entry, null))
                .onError(e -> settle(id, entry, e));
    }

    private void settle(String id, InFlight entry, Exception error) {
        if (!awaiting.remove(id, entry)) {
            return; // Taken back already, when its session was replaced.
        }
        if (error == null) {
            published.incrementAndGet();
        } else if (error instanceof XMPPException.XMPPErrorException || closing) {
            // The server refused this item (or we are stopping): sending it again will not help.
            failed.incrementAndGet();
            logFailure(entry.reading(), error);
        } else {
            // The connection went away or did not answer: keep the reading for the next attempt.
            retries.add(entry.reading());
            logFailure(entry.reading(), error);
        }
        places.release();
    }

    /** Stable per reading, so publishing the same reading again replaces the item instead of adding one. */
    static String itemId(Reading reading) {
        return reading.timestamp().toEpochMilli() + "-" + reading.sequence();
    }

    private void logFailure(Reading reading, Exception e) {
        long now = System.nanoTime();
        long last = lastFailureLog.get();
        if (now - last >= FAILURE_LOG_INTERVAL_NANOS && lastFailureLog.compareAndSet(last, now)) {
            log.warn("pubsub publish to node={} failed: {} (failed_total={} waiting_to_retry={})",
                    config.nodeFor(reading.thingId()), e.toString(), failed.get(), retries.size());
        }
    }

    /**
     * Waits until nothing awaits a result and nothing waits to be sent again, at most {@code timeout};
     * sends what waits itself while the session is up.
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!sendRetries(deadline)) {
                return false;
            }
            if (awaiting.isEmpty() && retries.isEmpty()) {
                return true;
            }
            XMPPTCPConnection connection = uplink.awaitReady(Duration.ZERO);
            if (connection != null) {
                useSession(connection);
            }
            Thread.sleep(10);
        }
        return awaiting.isEmpty() && retries.isEmpty();
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

    /** Publishes sent again after their session was lost. */
    public long retried() {
        return retried.get();
    }

    /** Readings waiting to be sent again. */
    public int waitingForRetry() {
        return retries.size();
    }
}
