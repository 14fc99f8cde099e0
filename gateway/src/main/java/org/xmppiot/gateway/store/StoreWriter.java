package org.xmppiot.gateway.store;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
 * ids, and tells the publisher. Keeps the store within its retention limits as it goes.
 */
public final class StoreWriter implements Consumer<List<Reading>>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StoreWriter.class);
    private static final long RETENTION_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final ReadingStore store;
    private final int readingsPerItem;
    private final List<String> destinations;
    private final Consumer<OutboxItem> newItem;
    private final Runnable afterCommit;
    private final long commitIntervalNanos;
    private final int maxCommit;
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
    private long oldestUncommitted;
    private boolean closed;
    private final Thread committer;
    private long lastRetention = System.nanoTime() - RETENTION_EVERY_NANOS;
    private long lastFailureLog = System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS;

    /**
     * @param newItem     told of each item as it begins (on the bus thread), to be published now
     * @param afterCommit told after each commit
     * @param maxCommit   most readings in one transaction; more waiting than twice that holds up the bus thread
     */
    public StoreWriter(ReadingStore store, int readingsPerItem, List<String> destinations, Consumer<OutboxItem> newItem,
                       Runnable afterCommit, Duration commitInterval, int maxCommit) {
        this.store = store;
        this.readingsPerItem = readingsPerItem;
        this.destinations = List.copyOf(destinations);
        this.newItem = newItem;
        this.afterCommit = afterCommit;
        this.commitIntervalNanos = commitInterval.toNanos();
        this.maxCommit = maxCommit;
        this.committer = new Thread(this::commitLoop, "store-commit");
        this.committer.setDaemon(true);
        this.committer.start();
    }

    /** Called on the store's bus thread with what queued since the last call. */
    @Override
    public void accept(List<Reading> readings) {
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
        synchronized (lock) {
            try {
                // Commits that cannot keep up hold up the bus thread; the bus then counts what it drops.
                while (uncommitted.size() >= 2 * maxCommit && !closed) {
                    lock.wait(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            boolean wasEmpty = uncommitted.isEmpty();
            if (wasEmpty) {
                oldestUncommitted = System.nanoTime();
            }
            uncommitted.addAll(taken);
            // The commit thread sleeps until its interval is up: it needs waking only to start one, or to commit early.
            if (wasEmpty || uncommitted.size() >= maxCommit) {
                lock.notifyAll();
            }
        }
        begun.forEach(newItem);
    }

    private void commitLoop() {
        while (true) {
            List<ReadingStore.Pending> batch;
            synchronized (lock) {
                try {
                    while (!closed && (uncommitted.isEmpty()
                            || uncommitted.size() < maxCommit && System.nanoTime() - oldestUncommitted < commitIntervalNanos)) {
                        if (uncommitted.isEmpty()) {
                            lock.wait(); // accept() and close() notify: no wake-ups while no reading comes.
                        } else {
                            lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(
                                    commitIntervalNanos - (System.nanoTime() - oldestUncommitted))));
                        }
                    }
                } catch (InterruptedException e) {
                    return;
                }
                if (uncommitted.isEmpty() && closed) {
                    lock.notifyAll();
                    return;
                }
                int n = Math.min(uncommitted.size(), maxCommit);
                batch = new ArrayList<>(uncommitted.subList(0, n));
                uncommitted = new ArrayList<>(uncommitted.subList(n, uncommitted.size()));
                oldestUncommitted = System.nanoTime();
                lock.notifyAll();
            }
            write(batch);
        }
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
        }
        keepWithinLimits();
    }

    private void commit(List<ReadingStore.Pending> batch) throws SQLException {
        store.append(batch, destinations);
        stored.addAndGet(batch.size());
        if (failing) {
            failing = false;
            log.warn("store {} writes again (lost so far: {} to a full disk, {} to other write errors)", store.path(),
                    lostDiskFull.get(), lost.get());
        }
        afterCommit.run();
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
