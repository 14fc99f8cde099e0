package org.xmppiot.gateway.store;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.model.Reading;

/**
 * The bus subscriber that forms items and makes readings durable. As readings arrive (on the bus
 * thread) each joins its thing's open item, and every new item goes to the publisher at once: a reading
 * is published without waiting for its commit. A commit thread writes what arrived in group commits
 * (at most one per commit interval: an SD card wears with every sync), the same items under the same
 * ids, and tells the publisher. Readings the server has confirmed are safe there: while every reading
 * waiting has been confirmed, the commit waits longer (the confirmed commit interval), so that a slow
 * sensor's readings reach the card in a few large commits instead of many small ones; a reading the
 * server has not confirmed still waits at most the commit interval. Until their commit, the store's
 * history includes them ({@link #uncommitted}). Keeps the store within its retention limits as it goes.
 */
public final class StoreWriter implements Consumer<List<Reading>>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StoreWriter.class);
    private static final long RETENTION_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    /**
     * Confirmed readings wait for the confirmed commit interval only while fewer than this many wait: at higher rates a
     * commit every commit interval is large anyway. A commit's fixed cost (some tens of KB: the pages it touches besides
     * the new ones, in the log and again at the checkpoint) is spread over this many readings at least; with 1,000 it
     * was a fifth of what the card got at 100 readings/s. Memory holds no more than this (some hundreds of KB).
     */
    static final int MOST_HELD_CONFIRMED = 2_500;

    private final ReadingStore store;
    private final int readingsPerItem;
    private final List<String> destinations;
    private final Consumer<List<OutboxItem>> newItems;
    private final Runnable afterCommit;
    /** Run on the bus thread before commits that cannot keep up hold it up (see {@link #beforeHoldingUp(Runnable)}). */
    private volatile Runnable beforeHoldingUp = () -> { };
    private final long commitIntervalNanos;
    private final long confirmedCommitIntervalNanos;
    private final int maxCommit;
    private final AtomicLong taken = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong lostDiskFull = new AtomicLong();
    /** Set while commits fail, so that the first one to succeed again says so. */
    private volatile boolean failing;
    /** Owned by the bus thread: the item each thing's next reading joins while it is open. */
    private final Map<String, OutboxItem> open = new HashMap<>();
    private final Object lock = new Object();
    /** Guarded by lock: readings taken, not yet committed, in order. */
    private List<ReadingStore.Pending> uncommitted = new ArrayList<>();
    /** Guarded by lock: how many of the first uncommitted readings the server had confirmed when last looked at. */
    private int confirmedAhead;
    /**
     * Guarded by lock: for each batch of uncommitted readings, oldest first, {how many readings up to its end, when it
     * came}; the first says how long the oldest has waited.
     */
    private final ArrayDeque<long[]> arrivals = new ArrayDeque<>();
    /**
     * Guarded by lock: the commit thread looks again within the commit interval anyway, so readings that come need not
     * wake it. Set while readings keep coming and all that wait were confirmed: it then looks once per commit interval
     * instead of being woken by the next batch and again at that batch's deadline (at 100 readings/s, 5 wake-ups a second
     * instead of 10).
     */
    private boolean looksSoon;
    /** Guarded by lock: how many readings had been taken when the commit thread last looked. */
    private long takenWhenLooked;
    /** Guarded by lock: the readings of the commit under way, in the store's history until it is done. */
    private List<ReadingStore.Pending> inFlight = List.of();
    private boolean closed;
    private final Thread committer;
    private long lastRetention = System.nanoTime() - RETENTION_EVERY_NANOS;
    private long lastFailureLog = System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS;

    /** A writer whose commits wait no longer for readings the server confirmed. */
    public StoreWriter(ReadingStore store, int readingsPerItem, List<String> destinations, Consumer<List<OutboxItem>> newItems,
                       Runnable afterCommit, Duration commitInterval, int maxCommit) {
        this(store, readingsPerItem, destinations, newItems, afterCommit, commitInterval, commitInterval, maxCommit);
    }

    /**
     * @param newItems                told of the items a batch of readings began (on the bus thread), to be published now
     * @param afterCommit             told after each commit
     * @param commitInterval          longest a reading the server has not confirmed waits for its commit
     * @param confirmedCommitInterval longest a reading waits for its commit while all that wait were confirmed
     * @param maxCommit               most readings in one transaction; more waiting than twice that holds up the bus thread
     */
    public StoreWriter(ReadingStore store, int readingsPerItem, List<String> destinations, Consumer<List<OutboxItem>> newItems,
                       Runnable afterCommit, Duration commitInterval, Duration confirmedCommitInterval, int maxCommit) {
        this.store = store;
        this.readingsPerItem = readingsPerItem;
        this.destinations = List.copyOf(destinations);
        this.newItems = newItems;
        this.afterCommit = afterCommit;
        this.commitIntervalNanos = commitInterval.toNanos();
        this.confirmedCommitIntervalNanos = Math.max(commitIntervalNanos, confirmedCommitInterval.toNanos());
        this.maxCommit = maxCommit;
        store.include(this::uncommitted);
        this.committer = new Thread(this::commitLoop, "store-commit");
        this.committer.setDaemon(true);
        this.committer.start();
    }

    /**
     * {@code action} runs on the bus thread before commits that cannot keep up hold it up: the bus then hands the inputs
     * that thread takes in (busy serial ports) back to their drivers, which read them meanwhile.
     */
    public void beforeHoldingUp(Runnable action) {
        this.beforeHoldingUp = action;
    }

    /** Called on the store's bus thread with what queued since the last call. */
    @Override
    public void accept(List<Reading> readings) {
        if (readings.isEmpty()) {
            return;
        }
        List<ReadingStore.Pending> taken = new ArrayList<>(readings.size());
        List<OutboxItem> begun = new ArrayList<>();
        for (Reading r : readings) {
            OutboxItem item = open.get(r.thingId());
            if (item == null || !item.add(r)) {
                item = new OutboxItem(r.thingId(), readingsPerItem);
                item.add(r);
                open.put(r.thingId(), item);
                begun.add(item);
            }
            taken.add(new ReadingStore.Pending(r, item));
        }
        boolean holdingUp;
        synchronized (lock) {
            holdingUp = uncommitted.size() >= 2 * maxCommit && !closed;
        }
        if (holdingUp) {
            beforeHoldingUp.run(); // Outside the lock: it takes the bus's own.
        }
        synchronized (lock) {
            try {
                // Commits that cannot keep up hold up the bus thread; the bus then counts what it drops.
                while (uncommitted.size() >= 2 * maxCommit && !closed) {
                    lock.wait(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // None known to be unconfirmed: the commit thread waits for the confirmed commit interval, or for nothing,
            // unless it looks again soon anyway.
            boolean noDeadline = uncommitted.size() == confirmedAhead && !looksSoon;
            uncommitted.addAll(taken);
            arrivals.add(new long[] {uncommitted.size(), System.nanoTime()});
            this.taken.addAndGet(taken.size());
            // The commit thread sleeps until a deadline: it needs waking only for a new one, or to commit early.
            if (noDeadline || uncommitted.size() >= maxCommit) {
                lock.notifyAll();
            }
        }
        if (!begun.isEmpty()) {
            newItems.accept(begun); // All at once: one hand-over per batch, not one per thing.
        }
    }

    private void commitLoop() {
        boolean goOn = true;
        while (goOn) {
            goOn = commitNext();
        }
    }

    /**
     * Waits until readings are due and commits one batch; false once closed with nothing left, or interrupted. A method
     * of its own so that it is compiled: C1 alone, as the package runs, compiles a loop only after tens of thousands of
     * rounds.
     */
    private boolean commitNext() {
        List<ReadingStore.Pending> batch;
        synchronized (lock) {
            try {
                long wait;
                while (!closed && (wait = nanosToCommit()) > 0) {
                    if (wait == Long.MAX_VALUE) {
                        lock.wait(); // accept() and close() notify: no wake-ups while no reading comes.
                    } else {
                        lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
                    }
                }
            } catch (InterruptedException e) {
                return false;
            }
            if (uncommitted.isEmpty() && closed) {
                lock.notifyAll();
                return false;
            }
            int n = Math.min(uncommitted.size(), maxCommit);
            batch = new ArrayList<>(uncommitted.subList(0, n));
            uncommitted = new ArrayList<>(uncommitted.subList(n, uncommitted.size()));
            inFlight = batch;
            for (Iterator<long[]> it = arrivals.iterator(); it.hasNext(); ) {
                long[] a = it.next();
                a[0] -= n;
                if (a[0] <= 0) {
                    it.remove();
                }
            }
            confirmedAhead = Math.max(0, confirmedAhead - n);
            lock.notifyAll();
        }
        write(batch);
        return true;
    }

    /**
     * How long the readings waiting may wait still: 0 to commit now, {@link Long#MAX_VALUE} when none waits. Guarded by
     * lock. The oldest reading the server has not confirmed sets the deadline: the commit interval after it came. Readings
     * found confirmed stay counted as such ({@link #confirmedAhead}): a confirmation is never taken back. Each call is a
     * look ({@link #looksSoon}).
     */
    private long nanosToCommit() {
        long sinceLooked = taken.get() - takenWhenLooked;
        takenWhenLooked = taken.get();
        looksSoon = false;
        if (uncommitted.isEmpty()) {
            return Long.MAX_VALUE;
        }
        long now = System.nanoTime();
        long waited = now - arrivals.getFirst()[1];
        long untilConfirmedDue = confirmedCommitIntervalNanos - waited;
        if (uncommitted.size() >= maxCommit || untilConfirmedDue <= 0) {
            return 0;
        }
        while (confirmedAhead < uncommitted.size() && uncommitted.get(confirmedAhead).item().isConfirmed()) {
            confirmedAhead++;
        }
        if (confirmedAhead == uncommitted.size()) {
            if (uncommitted.size() >= MOST_HELD_CONFIRMED) {
                return Math.max(0, commitIntervalNanos - waited);
            }
            // Readings came since the last look: more will, each due a commit interval after it came unless confirmed
            // by then. Looking again within that interval keeps every deadline without being woken for each batch.
            looksSoon = sinceLooked > 0 && commitIntervalNanos < untilConfirmedDue;
            return looksSoon ? commitIntervalNanos : untilConfirmedDue;
        }
        long untilDue = commitIntervalNanos - (now - arrivalOf(confirmedAhead));
        return untilDue <= 0 ? 0 : Math.min(untilDue, untilConfirmedDue);
    }

    /** When the uncommitted reading at {@code index} came. Guarded by lock. */
    private long arrivalOf(int index) {
        for (long[] a : arrivals) {
            if (a[0] > index) {
                return a[1];
            }
        }
        throw new IllegalStateException("no arrival recorded for uncommitted reading " + index);
    }

    private void write(List<ReadingStore.Pending> batch) {
        try {
            commit(batch);
        } catch (SQLException first) {
            // A full disk is the likely cause: make room by retention, then try once more.
            try {
                store.enforceRetention(Instant.now());
                commit(batch);
            } catch (SQLException again) {
                boolean full = diskFull(again);
                (full ? lostDiskFull : lost).addAndGet(batch.size());
                logFailure(batch.size(), again, full);
                failing = true;
            }
        } finally {
            clearInFlight();
        }
        keepWithinLimits();
    }

    private void commit(List<ReadingStore.Pending> batch) throws SQLException {
        // Under the store's lock, so that its history shows these readings either as uncommitted or as committed.
        synchronized (store) {
            store.append(batch, destinations);
            clearInFlight();
        }
        stored.addAndGet(batch.size());
        if (failing) {
            failing = false;
            log.warn("store {} writes again (lost so far: {} to a full disk, {} to other write errors)", store.path(),
                    lostDiskFull.get(), lost.get());
        }
        afterCommit.run();
    }

    private void clearInFlight() {
        synchronized (lock) {
            inFlight = List.of();
        }
    }

    /** One thing's readings taken in [{@code from}, {@code to}] that wait for their commit (or are in one under way), oldest first. */
    List<Reading> uncommitted(String thingId, Instant from, Instant to) {
        List<Reading> out = new ArrayList<>();
        synchronized (lock) {
            for (List<ReadingStore.Pending> waiting : List.of(inFlight, uncommitted)) {
                for (ReadingStore.Pending p : waiting) {
                    Reading r = p.reading();
                    if (r.thingId().equals(thingId) && !r.timestamp().isBefore(from) && !r.timestamp().isAfter(to)) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    /** SQLite's "database or disk is full": the file system has no room (ENOSPC), not a fault of the store. */
    static boolean diskFull(SQLException e) {
        return e instanceof org.sqlite.SQLiteException s && s.getResultCode().code == org.sqlite.SQLiteErrorCode.SQLITE_FULL.code;
    }

    private void keepWithinLimits() {
        if (System.nanoTime() - lastRetention < RETENTION_EVERY_NANOS) {
            return;
        }
        lastRetention = System.nanoTime();
        try {
            store.enforceRetention(Instant.now());
        } catch (SQLException e) {
            log.warn("store retention on {} failed: {}", store.path(), e.getMessage());
        }
    }

    private void logFailure(int count, SQLException e, boolean full) {
        if (System.nanoTime() - lastFailureLog >= FAILURE_LOG_INTERVAL_NANOS) {
            lastFailureLog = System.nanoTime();
            if (full) {
                log.error("the disk of store {} is full: {} reading(s) could not be stored (lost to a full disk so far: {});"
                        + " publishing goes on, and storing resumes as soon as there is room", store.path(), count, lostDiskFull.get());
            } else {
                log.error("store {} could not write {} reading(s), they are lost: {} (lost_total={})", store.path(), count,
                        e.getMessage(), lost.get());
            }
        }
    }

    /** Commits everything taken so far and stops the commit thread; call after the bus stopped delivering. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        try {
            committer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Readings handed to the store: in its history from then on, committed or waiting for their commit. */
    public long taken() {
        return taken.get();
    }

    /** Readings committed to the store: taken, and safe from now on. */
    public long stored() {
        return stored.get();
    }

    /** Readings the store could not write even after making room, for other reasons than a full disk. */
    public long lost() {
        return lost.get();
    }

    /** Readings the store could not write because the disk was full (even after retention made what room it could). */
    public long lostDiskFull() {
        return lostDiskFull.get();
    }
}
