package org.xmppiot.core.bus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
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
    /**
     * True while readings keep coming (the subscription's thread only): the thread then sleeps out each gathering time,
     * takes in the inputs drivers left waiting ({@link InputGathering}) and takes what came, instead of waiting to be
     * woken by the first reading and then sleeping (two wake-ups a batch instead of one).
     */
    private boolean busy;
    private final InputGathering gathering;
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
    /** Asked for each reading offered: one not wanted is not queued (marks still are). */
    private volatile BooleanSupplier wanted = () -> true;
    /** Put in the queue by close() to wake the thread; never handed to the consumer. */
    private static final Reading WAKE = new Reading("", 0, java.time.Instant.EPOCH, List.of());
    /** The thing of a mark's place holder in the queue, told apart by identity (a new String: no thing id is it). */
    private static final String MARK = new String("mark");
    /** What each place holder in the queue runs when the thread gets to it (or when it is dropped). */
    private final Map<Reading, Runnable> marks = Collections.synchronizedMap(new IdentityHashMap<>());

    BusSubscription(String name, int capacity, int maxBatch, Duration gather, InputGathering gathering,
            Consumer<List<Reading>> consumer, Runnable onClose) {
        if (capacity < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("capacity and batch size must be at least 1, were " + capacity + " and " + maxBatch);
        }
        this.name = name;
        this.capacity = capacity;
        this.maxBatch = maxBatch;
        this.gatherNanos = gather.toNanos();
        this.gathering = gathering;
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
        if (closed || !wanted.getAsBoolean()) {
            return;
        }
        enqueue(reading);
    }

    /**
     * From now on readings are queued only while {@code wanted} says so, asked on the publishing thread for each: a
     * consumer with nothing to do with them (nobody observes) then costs no wake-ups. Marks are queued as before.
     */
    public void offerOnlyWhile(BooleanSupplier wanted) {
        this.wanted = wanted;
    }

    /**
     * Runs {@code action} on this subscription's thread once every reading offered before has been handed to the
     * consumer, and before any offered after: a consumer that takes readings in batches can so tell which came before
     * a moment (the bus calls this in order with its offers). Run at once when closed, and where the queue overflows
     * when its place is dropped.
     */
    void mark(Runnable action) {
        if (closed) {
            action.run();
            return;
        }
        Reading holder = new Reading(MARK, 0, java.time.Instant.EPOCH, List.of());
        marks.put(holder, action);
        enqueue(holder);
    }

    private void enqueue(Reading element) {
        pending.incrementAndGet();
        while (!queue.offer(element)) {
            Reading oldest = queue.poll();
            if (oldest != null) {
                pending.decrementAndGet();
                if (oldest.thingId() == MARK) {
                    runMark(oldest);
                } else {
                    dropped.incrementAndGet();
                    logDrops();
                }
            }
        }
    }

    private void runMark(Reading holder) {
        Runnable action = marks.remove(holder);
        try {
            if (action != null) {
                action.run();
            }
        } catch (RuntimeException e) {
            // Such an action (an observation starting to hear) cannot fail by input: only a bug gets here.
            log.warn("bus subscriber={} could not run a step queued among its readings ({}); its readings go on."
                    + " This is a bug: please report it with this log (--debug shows where it happened)", name, e.toString());
            log.debug("bus subscriber={} failure of a queued step", name, e);
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
        boolean goOn = true;
        try {
            while (goOn && (!closed || !queue.isEmpty())) {
                goOn = handNextBatch(batch);
            }
        } finally {
            setBusy(false); // Whatever it held goes back to its drivers.
        }
    }

    /** Begins or ends a run of batches; held inputs are collected only during one. */
    private void setBusy(boolean now) {
        if (now != busy) {
            busy = now;
            if (now) {
                gathering.started(gatherNanos);
            } else {
                gathering.stopped(gatherNanos);
            }
        }
    }

    /**
     * Waits for readings and hands one batch over; false when the thread is to end. A method of its own so that it is
     * compiled: C1 alone, as the package runs, compiles a loop only after tens of thousands of rounds, and this one
     * turns a few dozen times a second.
     */
    private boolean handNextBatch(List<Reading> batch) {
        Reading first;
        if (busy && !closed) {
            if (!sleepOutGathering()) {
                return false;
            }
            boolean holding = gathering.collect(gatherNanos);
            first = queue.poll();
            if (first == null) {
                if (holding) {
                    lastBatchStart = System.nanoTime(); // Keeps to its rounds: held inputs wait for them.
                } else {
                    setBusy(false);
                }
                return true;
            }
        } else {
            try {
                // Blocks until a reading comes (or close() wakes it): nothing wakes the thread while nothing happens.
                first = closed ? queue.poll() : queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (first != null && first != WAKE && first.thingId() == MARK) { // Nothing to hand over before it: no reason to wait.
                runMark(first);
                pending.decrementAndGet();
                return true;
            }
            // Waiting before the queue is drained lets what arrives meanwhile join this batch.
            if (first != null && first != WAKE && !closed && !sleepOutGathering()) {
                return false;
            }
        }
        if (first == null || first == WAKE) {
            return true;
        }
        setBusy(gatherNanos > 0);
        lastBatchStart = System.nanoTime();
        batch.clear();
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        if (closed) {
            batch.removeIf(r -> r == WAKE); // Only close() puts it there; never counted as pending either.
        }
        try {
            // Marks split the batch: what came before one is handed over before it runs.
            int from = 0;
            for (int i = 0; i < batch.size(); i++) {
                if (batch.get(i).thingId() == MARK) {
                    hand(batch.subList(from, i));
                    runMark(batch.get(i));
                    from = i + 1;
                }
            }
            hand(batch.subList(from, batch.size()));
        } finally {
            pending.addAndGet(-batch.size());
        }
        return true;
    }

    /** Sleeps until a gathering time has passed since the last batch began; false when interrupted. */
    private boolean sleepOutGathering() {
        long wait = gatherNanos - (System.nanoTime() - lastBatchStart);
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void hand(List<Reading> readings) {
        if (readings.isEmpty()) {
            return;
        }
        try {
            consumer.accept(List.copyOf(readings));
            delivered.addAndGet(readings.size());
        } catch (RuntimeException e) {
            failed.addAndGet(readings.size());
            log.warn("bus subscriber={} could not take {} reading(s) ({}); they are counted as failed and the next ones go on."
                    + " This is a bug: please report it with this log (--debug shows where it happened)", name, readings.size(), e.toString());
            log.debug("bus subscriber={} failure", name, e);
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
