package org.xmppiot.gateway.store;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.model.Reading;

/**
 * The bus subscriber that makes readings durable: commits each batch as one transaction (the bus hands it
 * batches at most once per commit interval: an SD card wears with every sync), then tells the senders there is more.
 * Keeps the store within its retention limits as it goes.
 */
public final class StoreWriter implements Consumer<List<Reading>> {

    private static final Logger log = LoggerFactory.getLogger(StoreWriter.class);
    private static final long RETENTION_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final ReadingStore store;
    private final int readingsPerItem;
    private final List<String> destinations;
    private final Runnable afterCommit;
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private long lastRetention = System.nanoTime() - RETENTION_EVERY_NANOS;
    private long lastFailureLog = System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS;

    public StoreWriter(ReadingStore store, int readingsPerItem, List<String> destinations,
                       Runnable afterCommit) {
        this.store = store;
        this.readingsPerItem = readingsPerItem;
        this.destinations = List.copyOf(destinations);
        this.afterCommit = afterCommit;
    }

    /** Called on the store's bus thread with everything that queued since the last commit. */
    @Override
    public void accept(List<Reading> readings) {
        try {
            commit(readings);
        } catch (SQLException first) {
            // A full disk is the likely cause: make room by retention, then try once more.
            try {
                store.enforceRetention(Instant.now());
                commit(readings);
            } catch (SQLException again) {
                lost.addAndGet(readings.size());
                logFailure(readings.size(), again);
            }
        }
        keepWithinLimits();
    }

    private void commit(List<Reading> readings) throws SQLException {
        store.append(readings, readingsPerItem, destinations);
        stored.addAndGet(readings.size());
        afterCommit.run();
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

    private void logFailure(int count, SQLException e) {
        if (System.nanoTime() - lastFailureLog >= FAILURE_LOG_INTERVAL_NANOS) {
            lastFailureLog = System.nanoTime();
            log.error("store {} could not write {} reading(s), they are lost: {} (lost_total={})", store.path(), count,
                    e.getMessage(), lost.get());
        }
    }

    /** Readings committed to the store: taken, and safe from now on. */
    public long stored() {
        return stored.get();
    }

    /** Readings the store could not write even after making room. */
    public long lost() {
        return lost.get();
    }
}
