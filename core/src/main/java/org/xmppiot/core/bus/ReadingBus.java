package org.xmppiot.core.bus;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.HeldInput;
import org.xmppiot.core.spi.ReadingSink;

/**
 * The internal bus: drivers publish readings, every subscriber gets each one on its own thread.
 * Publishing never blocks; each subscriber has a bounded queue whose drops are counted.
 */
public final class ReadingBus implements ReadingSink, AutoCloseable {

    private final List<BusSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private final LatestValueCache latest = new LatestValueCache();
    private final InputGathering gathering = new InputGathering();
    /**
     * Held while a reading is published. A lock, not the bus's monitor: several drivers' threads publish, and once they
     * met, a monitor stays inflated and every entry goes through the VM (in code compiled by C1 alone, as the package
     * runs), where this lock is one compare-and-set.
     */
    private final ReentrantLock order = new ReentrantLock();
    /** Measurements published (status readings, with their negative sequences, are not counted). Under {@link #order}. */
    private long measurements;

    @Override
    public void accept(Reading reading) {
        publish(reading);
    }

    /** Held inputs are taken in by subscribers with a gathering time (see {@link #subscribeInBatches(String, int, int, Duration, Consumer)}). */
    @Override
    public boolean hold(HeldInput input, Duration maxWait) {
        return gathering.hold(input, maxWait);
    }

    /**
     * For a batching consumer about to hold up its subscription's thread (a store whose commits cannot keep up): the
     * inputs that thread would take in go back to their drivers' threads first, so that nothing waits unread in a device's
     * buffer meanwhile; none is held again until a subscriber makes its next round.
     */
    public void handBackHeldInputs() {
        gathering.handBackAll();
    }

    /** Inputs held now: taken in before each batch instead of read by their drivers' threads. */
    public int heldInputs() {
        return gathering.heldCount();
    }

    /**
     * One reading at a time, so that every subscriber sees the same order even when several threads
     * publish (a driver's readings and its thing's status reported from another thread). Offering never
     * waits, so the lock is held only for as long as the cache update and the offers take.
     */
    public void publish(Reading reading) {
        order.lock();
        try {
            if (reading.sequence() >= 0) {
                measurements++;
            }
            latest.update(reading);
            for (BusSubscription s : subscriptions) {
                s.offer(reading);
            }
        } finally {
            order.unlock();
        }
    }

    /**
     * Adds a subscriber with its own queue of {@code capacity} readings, served by its own thread.
     * Close the returned subscription to remove it.
     */
    public BusSubscription subscribe(String name, int capacity, Consumer<Reading> consumer) {
        return subscribeInBatches(name, capacity, 1, batch -> consumer.accept(batch.get(0)));
    }

    /**
     * Like {@link #subscribe}, but the consumer gets up to {@code maxBatch} readings at once: all that
     * queued while it was busy with the last batch, in order.
     */
    public BusSubscription subscribeInBatches(String name, int capacity, int maxBatch, Consumer<List<Reading>> consumer) {
        return subscribeInBatches(name, capacity, maxBatch, Duration.ZERO, consumer);
    }

    /**
     * Like {@link #subscribeInBatches(String, int, int, Consumer)}, with batches at most once per
     * {@code gather}: a reading arriving sooner waits, and everything that arrives while it waits
     * joins its batch. So no reading waits longer than {@code gather} plus the consumer's time.
     */
    public BusSubscription subscribeInBatches(String name, int capacity, int maxBatch, Duration gather, Consumer<List<Reading>> consumer) {
        BusSubscription[] holder = new BusSubscription[1];
        BusSubscription subscription = new BusSubscription(name, capacity, maxBatch, gather, gathering, consumer,
                () -> subscriptions.remove(holder[0]));
        holder[0] = subscription;
        subscriptions.add(subscription);
        subscription.start();
        return subscription;
    }

    /**
     * Runs {@code action} on {@code subscription}'s thread once it has handed over every reading published before this
     * call, and before any published after (see {@link BusSubscription#mark}).
     */
    public void afterPublished(BusSubscription subscription, Runnable action) {
        order.lock();
        try {
            subscription.mark(action);
        } finally {
            order.unlock();
        }
    }

    /** Measurements taken by the things' drivers since start (status changes not counted). */
    public long measurements() {
        order.lock();
        try {
            return measurements;
        } finally {
            order.unlock();
        }
    }

    public LatestValueCache latest() {
        return latest;
    }

    public List<SubscriberStats> stats() {
        return subscriptions.stream().map(BusSubscription::stats).toList();
    }

    @Override
    public void close() {
        for (BusSubscription s : List.copyOf(subscriptions)) {
            s.close();
        }
    }
}
