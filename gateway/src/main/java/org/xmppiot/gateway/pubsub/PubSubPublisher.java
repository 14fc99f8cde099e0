package org.xmppiot.gateway.pubsub;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PublishItem;
import org.jivesoftware.smackx.pubsub.packet.PubSub;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.gateway.config.PubSubConfig;
import org.xmppiot.core.model.Reading;
import org.xmppiot.gateway.sensordata.element.SensorDataFields;
import org.xmppiot.gateway.store.ReadingStore;
import org.xmppiot.gateway.store.StoredItem;
import org.xmppiot.gateway.xmpp.XmppUplink;

/**
 * Drains the store's pub/sub outbox: each stored item becomes an XEP-0323 {@code fields} item on its
 * thing's node. Keeps a bounded window of publishes in flight instead of waiting for each result (one
 * round trip per item would cap the gateway at a few hundred a second), and takes an item out of the
 * outbox only when the server confirmed it. A new session starts again from the oldest unconfirmed
 * item, in order; item ids are stable, so sending again replaces instead of duplicating. Items sent
 * late carry an XEP-0203 delay stamp with the time their first reading was taken.
 */
public final class PubSubPublisher implements AutoCloseable {

    /** The outbox this publisher drains. */
    public static final String DESTINATION = "pubsub";
    /** An item sent this long after its first reading was taken is late, and says so. */
    public static final Duration LATE_AFTER = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(PubSubPublisher.class);
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long ACK_FLUSH_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int ACK_FLUSH_COUNT = 256;
    private static final Duration POLL = Duration.ofMillis(200);

    private static final long MISSING_NODE_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Consumer<String> missingNode;
    private final XmppUplink uplink;
    private final PubSubConfig config;
    private final ReadingStore store;
    private final int window;
    private final BareJid service;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong delayed = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean idle;
    private long lastFailureLog = System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS;

    // Owned by the publisher thread alone.
    private XMPPTCPConnection session;
    private long sessionNumber;
    /** The newest outbox entry sent on this session; the next ones come after it. */
    private long cursor;
    private final Map<Long, StoredItem> awaiting = new HashMap<>();
    /** Sent on this session but unanswered (timeout): sent again before anything newer. */
    private final TreeMap<Long, StoredItem> resend = new TreeMap<>();
    /** Confirmed by the server, to be taken out of the outbox in the next batch. */
    private final Set<Long> confirmed = new LinkedHashSet<>();
    private long lastAckFlush = System.nanoTime();
    /** Items waiting for a node to be made are sent again no earlier than this (nanoTime). */
    private long resendNotBefore = System.nanoTime();
    private boolean woken;

    private record Result(long session, StoredItem item, Exception error) {
    }

    /**
     * @param missingNode told the thing whose node the server does not have (deleted, or a thing found
     *                    while running whose node is still being made); its items wait and are sent again
     */
    public PubSubPublisher(XmppUplink uplink, PubSubConfig config, ReadingStore store, int window, Consumer<String> missingNode)
            throws XmppStringprepException {
        this.missingNode = missingNode;
        this.uplink = uplink;
        this.config = config;
        this.store = store;
        this.window = window;
        this.service = JidCreate.bareFrom(config.service());
        this.thread = new Thread(this::run, "pubsub-publisher");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** There is something new in the outbox; called after each store commit. */
    public void wake() {
        lock.lock();
        try {
            woken = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (!closed) {
            try {
                handleResults();
                flushConfirmed(false);
                XMPPTCPConnection connection = uplink.awaitReady(Duration.ZERO);
                boolean sent = false;
                // A session the server just dropped fails every send at once: wait for the next one instead.
                if (connection != null && connection.isConnected()) {
                    if (connection != session) {
                        newSession(connection);
                    }
                    sent = fillWindow(connection);
                }
                idle = connection != null && !sent && awaiting.isEmpty() && resend.isEmpty() && confirmed.isEmpty();
                if (!sent) {
                    sleepUntilWoken();
                }
            } catch (InterruptedException e) {
                break;
            } catch (SQLException | RuntimeException e) {
                // The store failed to answer (disk trouble): say so, and try again shortly.
                logFailure("pubsub publisher cannot read the store " + store.path() + ": " + e.getMessage());
                pause();
            }
        }
        handleResults();
        flushConfirmed(true);
    }

    /** On a new session, every unconfirmed item is sent again from the oldest, in order. */
    private void newSession(XMPPTCPConnection connection) {
        session = connection;
        sessionNumber++;
        awaiting.clear();
        resend.clear();
        cursor = 0;
    }

    private boolean fillWindow(XMPPTCPConnection connection) throws SQLException {
        boolean sent = false;
        while (awaiting.size() < window && !resend.isEmpty() && System.nanoTime() - resendNotBefore >= 0) {
            StoredItem item = resend.pollFirstEntry().getValue();
            retried.incrementAndGet();
            send(connection, item);
            sent = true;
        }
        if (awaiting.size() < window) {
            for (StoredItem item : store.pending(DESTINATION, cursor, window - awaiting.size())) {
                cursor = item.firstId();
                if (!confirmed.contains(item.firstId())) {
                    send(connection, item);
                    sent = true;
                }
            }
        }
        return sent;
    }

    private void send(XMPPTCPConnection connection, StoredItem item) {
        String node = config.nodeFor(item.thingId());
        Instant taken = item.first().timestamp();
        boolean late = Duration.between(taken, Instant.now()).compareTo(LATE_AFTER) > 0;
        if (late) {
            delayed.incrementAndGet();
        }
        SensorDataFields payload = new SensorDataFields(item.first().sequence(), true, item.readings(), late ? taken : null);
        PayloadItem<SensorDataFields> published = new PayloadItem<>(itemId(item.first()), node, payload);
        PubSub request = PubSub.createPubsubPacket(service, IQ.Type.set, new PublishItem<>(node, published));
        long number = sessionNumber;
        awaiting.put(item.firstId(), item);
        connection.sendIqRequestAsync(request)
                .onSuccess(result -> answered(new Result(number, item, null)))
                .onError(e -> answered(new Result(number, item, e)));
    }

    private void answered(Result result) {
        results.add(result);
        wake();
    }

    private void handleResults() {
        Result r;
        while ((r = results.poll()) != null) {
            long id = r.item().firstId();
            int readings = r.item().readings().size();
            if (r.error() == null) {
                // A confirmation counts whichever session it came on: the server has the item.
                if (r.session() == sessionNumber) {
                    awaiting.remove(id);
                }
                if (confirmed.add(id)) {
                    published.addAndGet(readings);
                }
                continue;
            }
            if (r.session() != sessionNumber) {
                continue; // That session's items are sent again on this one anyway.
            }
            awaiting.remove(id);
            if (r.error() instanceof SmackException.NotConnectedException) {
                continue; // The session is gone: the next one sends everything unconfirmed again, in order.
            }
            if (isMissingNode(r.error())) {
                resend.put(id, r.item());
                resendNotBefore = System.nanoTime() + MISSING_NODE_PAUSE_NANOS;
                missingNode.accept(r.item().thingId());
                logFailure("pubsub node=" + config.nodeFor(r.item().thingId()) + " does not exist; making it and sending again");
            } else if (isPermanent(r.error())) {
                // The server refused this item: sending it again will not help; count it and let it go.
                failed.addAndGet(readings);
                confirmed.add(id);
                logFailure("pubsub publish to node=" + config.nodeFor(r.item().thingId()) + " refused: " + r.error()
                        + " (failed_total=" + failed.get() + ")");
            } else {
                resend.put(id, r.item());
                logFailure("pubsub publish to node=" + config.nodeFor(r.item().thingId()) + " not confirmed: " + r.error()
                        + "; sending it again");
            }
        }
    }

    private static boolean isMissingNode(Exception e) {
        return e instanceof XMPPException.XMPPErrorException x && x.getStanzaError().getCondition() == StanzaError.Condition.item_not_found;
    }

    /** An error the server means (other than "wait and try again"), as opposed to a lost or late answer. */
    private static boolean isPermanent(Exception e) {
        return e instanceof XMPPException.XMPPErrorException x && x.getStanzaError().getType() != StanzaError.Type.WAIT;
    }

    /** Takes confirmed items out of the outbox, in batches: a sync per confirmation would wear the card. */
    private void flushConfirmed(boolean now) {
        if (confirmed.isEmpty()) {
            return;
        }
        if (!now && confirmed.size() < ACK_FLUSH_COUNT && System.nanoTime() - lastAckFlush < ACK_FLUSH_NANOS) {
            return;
        }
        try {
            store.remove(DESTINATION, List.copyOf(confirmed));
            confirmed.clear();
            lastAckFlush = System.nanoTime();
        } catch (SQLException e) {
            // Kept in memory and tried again; at worst, after a restart, they are sent once more under the same ids.
            logFailure("cannot mark " + confirmed.size() + " published item(s) in the store " + store.path() + ": " + e.getMessage());
        }
    }

    private void sleepUntilWoken() throws InterruptedException {
        lock.lock();
        try {
            if (!woken && !closed) {
                wake.await(confirmed.isEmpty() ? POLL.toMillis() : 50, TimeUnit.MILLISECONDS);
            }
            woken = false;
        } finally {
            lock.unlock();
        }
    }

    private void pause() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** Stable per item, so publishing the same item again replaces it instead of adding one. */
    public static String itemId(Reading first) {
        return first.timestamp().toEpochMilli() + "-" + first.sequence();
    }

    private void logFailure(String message) {
        long now = System.nanoTime();
        if (now - lastFailureLog >= FAILURE_LOG_INTERVAL_NANOS) {
            lastFailureLog = now;
            log.warn(message);
        }
    }

    /**
     * Waits until the outbox is empty and nothing awaits a result, at most {@code timeout}.
     *
     * @return true if everything stored so far was confirmed by the server in time
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            wake();
            Thread.sleep(20);
            try {
                if (idle && store.unsent(DESTINATION) == 0) {
                    return true;
                }
            } catch (SQLException e) {
                return false;
            }
        }
        return false;
    }

    /** Stops sending; what is unconfirmed stays in the outbox for the next start. */
    @Override
    public void close() {
        closed = true;
        wake();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Readings the server confirmed. */
    public long published() {
        return published.get();
    }

    /** Readings the server refused for good (counted, logged, not retried). */
    public long failed() {
        return failed.get();
    }

    /** Items sent again on the same session after an unanswered publish. */
    public long retried() {
        return retried.get();
    }

    /** Items sent with a delay stamp. */
    public long delayed() {
        return delayed.get();
    }
}
