package org.xmppiot.core.bus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.model.Reading;

/**
 * One subscriber's own bounded queue and the thread that feeds its consumer. A slow consumer only
 * fills its own queue; once full, the oldest reading is dropped and counted, never the producer blocked.
 * The consumer gets what has queued up, up to a batch size, so one that works in batches (a store
 * committing many readings at once) catches up by itself after a slow moment.
 */
public final class BusSubscription implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BusSubscription.class);
    private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String name;
    private final int capacity;
    private final BlockingQueue<Reading> queue;
    private final int maxBatch;
    private final long gatherNanos;
    private long lastBatchStart = System.nanoTime() - Long.MAX_VALUE / 2;
    private final Consumer<List<Reading>> consumer;
    private final Thread thread;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong lastDropLog = new AtomicLong(System.nanoTime() - DROP_LOG_INTERVAL_NANOS);
    private final Runnable onClose;
    /** Readings queued or in the consumer's hands: what drain() waits for. */
    private final AtomicLong pending = new AtomicLong();
    private volatile boolean closed;
    /** Put in the queue by close() to wake the thread; never handed to the consumer. */
    private static final Reading WAKE = new Reading("", 0, java.time.Instant.EPOCH, List.of());

    BusSubscription(String name, int capacity, int maxBatch, Duration gather, Consumer<List<Reading>> consumer, Runnable onClose) {
        if (capacity < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("capacity and batch size must be at least 1, were " + capacity + " and " + maxBatch);
        }
        this.name = name;
        this.capacity = capacity;
        this.maxBatch = maxBatch;
        this.gatherNanos = gather.toNanos();
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.consumer = consumer;
        this.onClose = onClose;
        this.thread = new Thread(this::run, "bus-" + name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void offer(Reading reading) {
        if (closed) {
            return;
        }
        pending.incrementAndGet();
        while (!queue.offer(reading)) {
            if (queue.poll() != null) {
                pending.decrementAndGet();
                dropped.incrementAndGet();
                logDrops();
            }
        }
    }

    private void logDrops() {
        long now = System.nanoTime();
        long last = lastDropLog.get();
        if (now - last >= DROP_LOG_INTERVAL_NANOS && lastDropLog.compareAndSet(last, now)) {
            log.warn("bus subscriber={} is too slow: its queue of {} is full, dropped the oldest readings, dropped_total={}",
                    name, capacity, dropped.get());
        }
    }

    private void run() {
        List<Reading> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            Reading first;
            try {
                // Blocks until a reading comes (or close() wakes it): nothing wakes the thread while nothing happens.
                first = closed ? queue.poll() : queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (first == null || first == WAKE) {
                continue;
            }
            // Waiting before the queue is drained lets what arrives meanwhile join this batch.
            long wait = gatherNanos - (System.nanoTime() - lastBatchStart);
            if (wait > 0 && !closed) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            lastBatchStart = System.nanoTime();
            batch.clear();
            batch.add(first);
            queue.drainTo(batch, maxBatch - 1);
            if (closed) {
                batch.removeIf(r -> r == WAKE); // Only close() puts it there; never counted as pending either.
            }
            try {
                consumer.accept(List.copyOf(batch));
                delivered.addAndGet(batch.size());
            } catch (RuntimeException e) {
                failed.addAndGet(batch.size());
                log.warn("bus subscriber={} failed on {} reading(s): {}", name, batch.size(), e.toString());
                log.debug("bus subscriber={} failure", name, e);
            } finally {
                pending.addAndGet(-batch.size());
            }
        }
    }

    /**
     * Waits until everything queued so far has been handed to the consumer, at most {@code timeout}.
     *
     * @return true if the queue ran empty in time
     */
    public boolean drain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending.get() > 0) {
            if (System.nanoTime() >= deadline || !thread.isAlive()) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    public SubscriberStats stats() {
        return new SubscriberStats(name, capacity, queue.size(), delivered.get(), dropped.get(), failed.get());
    }

    public String name() {
        return name;
    }

    /** Stops taking readings; what is queued is still handed over before the thread ends. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.offer(WAKE); // Ends a take() that waits; a full queue needs no waking.
        onClose.run();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
    }
}
