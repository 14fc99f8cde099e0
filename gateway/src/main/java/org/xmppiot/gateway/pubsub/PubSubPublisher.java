package org.xmppiot.gateway.pubsub;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.BareJid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.gateway.config.PubSubConfig;
import org.xmppiot.core.model.Reading;
import org.xmppiot.gateway.iotdata.SensorDataFields;
import org.xmppiot.gateway.store.OutboxItem;
import org.xmppiot.gateway.store.ReadingStore;
import org.xmppiot.gateway.store.StoredItem;
import org.xmppiot.gateway.xmpp.GuardedTcpConnection;
import org.xmppiot.gateway.xmpp.XmppFailures;
import org.xmppiot.gateway.xmpp.XmppUplink;

/**
 * Publishes items: each becomes an XEP-0323 {@code fields} item on its thing's node. Items formed in
 * this run come from memory as they begin, without waiting for their commit; what the store held from
 * an earlier run (and what memory gave up to stay small) comes from the store's outbox first, in order.
 * Keeps a bounded window of publishes in flight instead of waiting for each result (one round trip per
 * item would cap the gateway at a few hundred a second); an item that waits for a free slot stays open
 * and takes more readings, so a publisher that is behind sends fewer, bigger items. An outbox entry is
 * taken out only when the server confirmed its item (confirmed before its commit, it never gets one).
 * A new session starts again from the oldest unconfirmed item, in order; item ids are stable, so sending
 * again replaces instead of duplicating. Items sent late carry an XEP-0203 delay stamp with the time
 * their first reading was taken.
 */
public final class PubSubPublisher implements AutoCloseable {

    /** The outbox this publisher drains. */
    public static final String DESTINATION = "pubsub";
    /** An item sent this long after its first reading was taken is late, and says so. */
    public static final Duration LATE_AFTER = SensorDataFields.LATE_AFTER;
    /**
     * How long a publish waits for the server's answer before it is sent again. Long: a session that went silent is
     * ended by the uplink's liveness check well before, and a stream resumed after a short cut brings the answers
     * late; sending again sooner would send items twice.
     */
    static final long ANSWER_TIMEOUT_MILLIS = 60_000;

    private static final Logger log = LoggerFactory.getLogger(PubSubPublisher.class);
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long ACK_FLUSH_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int ACK_FLUSH_COUNT = 256;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration IDLE_POLL = Duration.ofSeconds(1);

    private static final long MISSING_NODE_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * Publishes of items from memory in flight at once. Few, so that a server that slows down (its answers
     * take longer) soon leaves items waiting here, where they take more readings: fewer, bigger items then
     * relieve the server instead of queueing in it. The store's backlog uses the whole window, and so do
     * items that cannot grow ({@code readings-per-item: 1}).
     */
    private static final int LIVE_WINDOW = 8;
    /** Readings kept in memory waiting to be sent; beyond, settled items are left to the store. */
    private static final int MEMORY_READINGS = 20_000;

    private final Consumer<String> missingNode;
    private final XmppUplink uplink;
    private final PubSubConfig config;
    private final ReadingStore store;
    private final int window;
    /** Where items go; null while the service refuses the nodes. */
    private final java.util.function.Supplier<BareJid> target;
    private final Thread thread;
    /**
     * Held through each round, by the publisher's thread or by the thread that hands items over
     * ({@link #sendFromMemoryNow}); what the rounds own is guarded by it.
     */
    private final ReentrantLock roundLock = new ReentrantLock();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
    /** Items just begun, handed over by the store writer's bus thread. */
    private final ConcurrentLinkedQueue<OutboxItem> begun = new ConcurrentLinkedQueue<>();
    private final int memoryItems;
    private final int liveWindow;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong delayed = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean idle;
    /** Items wait for a free slot in the window: an answer that frees one wakes the publisher. */
    private volatile boolean slotWanted = true;
    /** Items held in memory for sending, as of the last round. */
    private volatile int heldItems;
    private long lastFailureLog = System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS;

    // Owned by whoever holds roundLock.
    private GuardedTcpConnection session;
    /** The answers to this session's publishes. */
    private PublishAnswers<Flight> answers;
    private long lastExpiry = System.nanoTime();
    private long sessionNumber;
    /** The newest outbox entry sent on this session; the next ones come after it. */
    private long cursor;
    /** Entries up to this store id are sent from the store; newer items are in memory. */
    private long backlogUpTo;
    /** The store has nothing more up to {@link #backlogUpTo} after the cursor. */
    private boolean backlogDone;
    /** Items of this run not yet sent, in the order they began. */
    private final ArrayDeque<OutboxItem> memory = new ArrayDeque<>();
    private final Set<Flight> awaiting = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    /** Sent on this session but unanswered (timeout): sent again before anything newer. */
    private final ArrayDeque<Flight> resend = new ArrayDeque<>();
    /** Confirmed by the server, to be taken out of the outbox in the next batch. */
    private final Set<Long> confirmed = new LinkedHashSet<>();
    /** Told each confirmed publish's round trip, in seconds (the metrics' histogram). */
    private volatile java.util.function.DoubleConsumer roundTrips = seconds -> { };

    private long lastAckFlush = System.nanoTime();
    /** Items waiting for a node to be made are sent again no earlier than this (nanoTime). */
    private long resendNotBefore = System.nanoTime();
    private boolean woken;

    /** One item on its way: from the store ({@code stored}), or from memory ({@code live}), with what it carries. */
    private record Flight(StoredItem stored, OutboxItem live, List<Reading> readings) {

        static Flight of(StoredItem stored) {
            return new Flight(stored, null, stored.readings());
        }

        static Flight of(OutboxItem live) {
            return new Flight(null, live, live.takeForSending());
        }

        String thingId() {
            return readings.get(0).thingId();
        }

        long order() {
            return live != null ? live.order() : Long.MIN_VALUE + stored.firstId();
        }
    }

    /** An answer; for an item from memory the server confirmed, {@code confirmation} says what confirming it did. */
    private record Result(long session, Flight flight, Exception error, OutboxItem.Confirmation confirmation) {
    }

    /**
     * @param missingNode told the thing whose node the server does not have (deleted, or a thing found
     *                    while running whose node is still being made); its items wait and are sent again
     * @param target where items go (the configured service, or the account's PEP when the service refused the nodes);
     *               null while both refuse: nothing is sent then (the server would refuse every item and the readings
     *               would be lost), items wait in memory and the store, and go out once there is a target
     */
    public PubSubPublisher(XmppUplink uplink, PubSubConfig config, ReadingStore store, int window, Consumer<String> missingNode,
            java.util.function.Supplier<BareJid> target) {
        this.missingNode = missingNode;
        this.target = target;
        this.uplink = uplink;
        this.config = config;
        this.store = store;
        this.window = window;
        this.memoryItems = Math.max(4 * window, MEMORY_READINGS / Math.max(1, config.readingsPerItem()));
        this.backlogUpTo = store.lastId();
        this.liveWindow = config.readingsPerItem() > 1 ? Math.min(window, LIVE_WINDOW) : window;
        this.thread = new Thread(this::run, "pubsub-publisher");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /**
     * Items have begun (their first readings just came): each is sent as soon as a slot is free, on the calling thread
     * when only items from memory are due ({@link #sendFromMemoryNow}), else by the publisher's thread.
     */
    public void offer(List<OutboxItem> items) {
        begun.addAll(items);
        if (!sendFromMemoryNow()) {
            wake();
        }
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
                boolean sent;
                roundLock.lockInterruptibly();
                try {
                    sent = round();
                } finally {
                    roundLock.unlock();
                }
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
        roundLock.lock();
        try {
            if (answers != null) {
                answers.close();
            }
            handleResults();
            flushConfirmed(true);
        } finally {
            roundLock.unlock();
        }
    }

    /**
     * The round for a batch's new items, on the thread that hands them over (the store's bus thread, which wakes for each
     * batch anyway), instead of waking the publisher's thread for it: when that thread is between rounds and nothing but
     * items from memory is due on the current session. Nothing here waits: the store's backlog, items to send again, a
     * new session and confirmations to write are the publisher thread's, which is woken for them. False when it did not
     * take the round.
     */
    private boolean sendFromMemoryNow() {
        if (!roundLock.tryLock()) {
            return false;
        }
        try {
            GuardedTcpConnection connection = session;
            if (closed || connection == null || !connection.isConnected() || uplink.awaitReady(Duration.ZERO) != connection) {
                return false;
            }
            BareJid service = target.get();
            expireUnanswered();
            handleResults();
            if (service == null || !backlogDone || !resend.isEmpty()) {
                return false;
            }
            takeBegun();
            if (!backlogDone) {
                return false; // Memory left its oldest items to the store: read back on the publisher's thread.
            }
            noteState(!sendRound(connection, service));
            if (!confirmed.isEmpty() && System.nanoTime() - lastAckFlush >= ACK_FLUSH_NANOS) {
                wake(); // The confirmations are written on the publisher's thread, in their batch.
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (SQLException | RuntimeException e) {
            return false; // The publisher's thread meets it again, and says so.
        } finally {
            roundLock.unlock();
        }
    }

    /**
     * One round: results taken, confirmed readings marked, what fits the window sent; true if anything went out (else
     * the thread sleeps until woken).
     * A method of its own so that it is compiled: C1 alone, as the package runs, compiles a loop only after tens of
     * thousands of rounds, and this one turns a few dozen times a second.
     */
    private boolean round() throws InterruptedException, SQLException {
        expireUnanswered();
        handleResults();
        flushConfirmed(false);
        // Every round, connected or not: memory stays bounded however long an outage lasts; the rest waits in the store.
        takeBegun();
        GuardedTcpConnection connection = uplink.awaitReady(Duration.ZERO);
        boolean sent = false;
        // A session the server just dropped fails every send at once: wait for the next one instead.
        if (connection != null && connection.isConnected()) {
            if (connection != session) {
                newSession(connection);
            }
            BareJid service = target.get();
            if (service != null) {
                sent = sendRound(connection, service);
            }
        }
        noteState(connection != null && !sent);
        return sent;
    }

    /** The items of a round (a batch's, one per thing) go out together: one writer wake-up, one write. */
    private boolean sendRound(GuardedTcpConnection connection, BareJid service) throws SQLException {
        connection.beginBurst();
        try {
            return fillWindow(connection, service);
        } finally {
            connection.endBurst();
        }
    }

    /** What others read of the rounds: items held, whether all is done, whether an answer that frees a slot must wake us. */
    private void noteState(boolean nothingSent) {
        heldItems = memory.size();
        idle = nothingSent && awaiting.isEmpty() && resend.isEmpty() && confirmed.isEmpty() && memory.isEmpty() && begun.isEmpty();
        slotWanted = !memory.isEmpty() || !backlogDone || !resend.isEmpty();
    }

    /** Publishes unanswered for {@link #ANSWER_TIMEOUT_MILLIS} are sent again; looked for once a second. */
    private void expireUnanswered() {
        if (answers != null && System.nanoTime() - lastExpiry >= TimeUnit.SECONDS.toNanos(1)) {
            lastExpiry = System.nanoTime();
            answers.expire(TimeUnit.MILLISECONDS.toNanos(ANSWER_TIMEOUT_MILLIS));
        }
    }

    /** On a new session, every unconfirmed item is sent again from the oldest, in order. */
    private void newSession(GuardedTcpConnection connection) {
        session = connection;
        long number = ++sessionNumber;
        if (answers != null) {
            answers.close();
        }
        answers = new PublishAnswers<>(connection, a -> {
            if (a.error() == null) {
                roundTrips.accept(a.roundTripNanos() / 1e9);
            }
            answered(number, a.publish(), a.error());
        });
        // Items from memory go back to the front, in order; the store's are read again from its oldest entry.
        List<Flight> unanswered = new ArrayList<>(awaiting);
        unanswered.addAll(resend);
        awaiting.clear();
        resend.clear();
        unanswered.stream().filter(f -> f.live() != null).sorted(java.util.Comparator.comparingLong(Flight::order).reversed())
                .forEach(f -> memory.addFirst(f.live()));
        cursor = 0;
        backlogDone = false;
    }

    private boolean fillWindow(XMPPTCPConnection connection, BareJid service) throws SQLException {
        boolean sent = false;
        while (awaiting.size() < window && !resend.isEmpty() && System.nanoTime() - resendNotBefore >= 0) {
            retried.incrementAndGet();
            send(connection, service, resend.poll());
            sent = true;
        }
        if (awaiting.size() < window && !backlogDone) {
            int asked = window - awaiting.size();
            List<StoredItem> entries = store.pending(DESTINATION, cursor, backlogUpTo, asked);
            backlogDone = entries.size() < asked;
            for (StoredItem item : entries) {
                cursor = item.firstId();
                // An item memory gave up after older ones left it is still on its way from memory: not sent twice.
                if (!confirmed.contains(item.firstId()) && !onItsWayFromMemory(item.firstId())) {
                    send(connection, service, Flight.of(item));
                    sent = true;
                }
            }
        }
        // Memory only after the store's older entries: a node gets its items in the order they were taken.
        while (backlogDone && awaiting.size() < liveWindow && !memory.isEmpty()) {
            OutboxItem item = memory.poll();
            if (!item.isConfirmed()) {
                send(connection, service, Flight.of(item));
                sent = true;
            }
        }
        return sent;
    }

    private boolean onItsWayFromMemory(long firstId) {
        for (Flight f : awaiting) {
            if (f.live() != null && f.live().firstId() == firstId) {
                return true;
            }
        }
        for (Flight f : resend) {
            if (f.live() != null && f.live().firstId() == firstId) {
                return true;
            }
        }
        return false;
    }

    private void takeBegun() {
        OutboxItem item;
        while ((item = begun.poll()) != null) {
            memory.add(item);
        }
        // Bounded memory: the oldest items the store holds exactly are left to it, read back in order.
        while (memory.size() > memoryItems && memory.peekFirst().isSettled()) {
            backlogUpTo = Math.max(backlogUpTo, memory.pollFirst().firstId());
            backlogDone = false;
        }
    }

    private void send(XMPPTCPConnection connection, BareJid service, Flight flight) {
        Reading first = flight.readings().get(0);
        String node = config.nodeFor(first.thingId());
        Instant taken = first.timestamp();
        boolean late = Duration.between(taken, Instant.now()).compareTo(LATE_AFTER) > 0;
        if (late) {
            delayed.incrementAndGet();
        }
        SensorDataFields payload = new SensorDataFields(first.sequence(), true, flight.readings(), late ? taken : null);
        PublishRequest request = new PublishRequest(service, node, itemId(first), payload);
        awaiting.add(flight);
        answers.send(request, flight);
    }

    /**
     * On the reader thread. An item from memory is confirmed here, at once: the store commits confirmed readings less
     * often, so it must know as soon as the server has them. The publisher is woken only when the answer needs it now
     * (an error, or items waiting for the slot it frees); otherwise it takes the answer with its next batch of items, or
     * within {@link #POLL}.
     */
    private void answered(long session, Flight flight, Exception error) {
        OutboxItem.Confirmation confirmation = error == null && flight.live() != null ? flight.live().confirmOnce() : null;
        results.add(new Result(session, flight, error, confirmation));
        if (error != null || slotWanted) {
            wake();
        }
    }

    private void handleResults() {
        Result r;
        while ((r = results.poll()) != null) {
            Flight f = r.flight();
            int readings = f.readings().size();
            if (r.error() == null) {
                // A confirmation counts whichever session it came on: the server has the item.
                if (r.session() == sessionNumber) {
                    awaiting.remove(f);
                }
                if (r.confirmation() != null ? counted(r.confirmation()) : markDone(f)) {
                    published.addAndGet(readings);
                }
                continue;
            }
            if (r.session() != sessionNumber) {
                continue; // That session's items are sent again on this one anyway.
            }
            awaiting.remove(f);
            if (r.error() instanceof SmackException.NotConnectedException) {
                if (f.live() != null) {
                    resend.add(f); // Memory's items are not in the store's cursor: kept for the next session.
                }
                continue; // The store's are read again on the next session, in order.
            }
            if (isMissingNode(r.error())) {
                resend.add(f);
                resendNotBefore = System.nanoTime() + MISSING_NODE_PAUSE_NANOS;
                missingNode.accept(f.thingId());
                logFailure("pubsub node=" + config.nodeFor(f.thingId()) + " does not exist; making it and sending again");
            } else if (isPermanent(r.error())) {
                // The server refused this item: sending it again will not help; count it and let it go.
                failed.addAndGet(readings);
                markDone(f);
                logFailure("pubsub publish to node=" + config.nodeFor(f.thingId()) + " refused: " + XmppFailures.brief(r.error())
                        + " (failed_total=" + failed.get() + ")");
            } else {
                resend.add(f);
                logFailure("pubsub publish to node=" + config.nodeFor(f.thingId()) + " not confirmed: " + XmppFailures.brief(r.error())
                        + "; sending it again");
            }
        }
    }

    /** An item from memory confirmed on the reader thread: its outbox entry (if it has one) is taken out. False if it was confirmed before. */
    private boolean counted(OutboxItem.Confirmation confirmation) {
        if (confirmation.entry() >= 0) {
            confirmed.add(confirmation.entry());
        }
        return confirmation.first();
    }

    /** The item needs no more sending; its outbox entry (if it has one yet) is taken out. False if it was done before. */
    private boolean markDone(Flight f) {
        if (f.live() != null) {
            boolean first = !f.live().isConfirmed();
            long entry = f.live().confirm();
            if (entry >= 0) {
                confirmed.add(entry);
            }
            return first;
        }
        return confirmed.add(f.stored().firstId());
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
        lastAckFlush = System.nanoTime(); // Failed or not: the next try is a batch interval away.
        try {
            store.remove(DESTINATION, List.copyOf(confirmed));
            confirmed.clear();
        } catch (SQLException e) {
            // Kept in memory and tried again; at worst, after a restart, they are sent once more under the same ids.
            logFailure("cannot mark " + confirmed.size() + " published item(s) in the store " + store.path() + ": " + e.getMessage());
        }
    }

    private void sleepUntilWoken() throws InterruptedException {
        lock.lock();
        try {
            if (!woken && !closed) {
                // Connected with nothing to do, a new reading or an answer wakes it: a rare look suffices. Confirmations
                // waiting to be written wake it when their batch is due, not before.
                long nanos = !confirmed.isEmpty() ? Math.max(1, ACK_FLUSH_NANOS - (System.nanoTime() - lastAckFlush))
                        : TimeUnit.MILLISECONDS.toNanos(idle ? IDLE_POLL.toMillis() : POLL.toMillis());
                wake.awaitNanos(nanos);
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

    /** Tells {@code seconds} the round trip of every publish the server confirms, from send to answer. */
    public void measureRoundTrips(java.util.function.DoubleConsumer seconds) {
        roundTrips = seconds;
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

    /**
     * Items of this run held in memory for sending: beyond the items still open, at most about {@code MEMORY_READINGS}
     * readings' worth, connected or not; the rest waits in the store.
     */
    public int heldItems() {
        return heldItems + begun.size();
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
