package org.xmppiot.gateway.store;

import java.util.ArrayList;
import java.util.List;

import org.xmppiot.core.model.Reading;

/**
 * One pub/sub item as it forms in memory: readings of one thing, in order. It is open while it waits to
 * be sent and may take more readings (a publisher that is behind then sends fewer, bigger items); it
 * closes when it is sent or full, never because of a commit. The store writes its readings in group
 * commits and keeps its outbox entry in step (inserted once, extended while it grows); the server's
 * confirmation may come before or after its commit. Its id, the first reading's time and sequence,
 * never changes, so a resend after a reconnect or restart replaces it on the node.
 *
 * <p>Every method is safe to call from the reading, commit and publisher threads.
 */
public final class OutboxItem {

    private static final java.util.concurrent.atomic.AtomicLong BEGUN = new java.util.concurrent.atomic.AtomicLong();

    private final long order = BEGUN.incrementAndGet();
    private final String thingId;
    private final int capacity;
    private final List<Reading> readings = new ArrayList<>();
    private boolean closed;
    private boolean confirmed;
    private boolean sent;
    /** Store id of the first reading once committed, else -1. */
    private long firstId = -1;
    /** Store id of the last committed reading. */
    private long lastId = -1;
    private int committed;

    public OutboxItem(String thingId, int capacity) {
        this.thingId = thingId;
        this.capacity = capacity;
    }

    /** Items begin in the order their first readings came; this says which came first. */
    public long order() {
        return order;
    }

    /** Closed and every reading committed: the store holds it exactly as it is. */
    public synchronized boolean isSettled() {
        return closed && firstId >= 0 && committed == readings.size();
    }

    public String thingId() {
        return thingId;
    }

    /**
     * Adds a reading; false when the item is closed (sent or full) and a new one must be begun. A status reading
     * (negative sequence) and a measurement never share an item: the item's seqnr is its first reading's, and the
     * readings after it follow on from that number, so a subscriber can tell each reading's sequence.
     */
    public synchronized boolean add(Reading reading) {
        if (!closed && !readings.isEmpty() && (reading.sequence() < 0) != (readings.get(0).sequence() < 0)) {
            closed = true;
        }
        if (closed) {
            return false;
        }
        readings.add(reading);
        if (readings.size() >= capacity) {
            closed = true;
        }
        return true;
    }

    public synchronized void close() {
        closed = true;
    }

    /** Closes the item and returns what it carries, to be sent now; it takes no more readings. */
    public synchronized List<Reading> takeForSending() {
        closed = true;
        sent = true;
        return List.copyOf(readings);
    }

    public synchronized List<Reading> readings() {
        return List.copyOf(readings);
    }

    public synchronized Reading first() {
        return readings.get(0);
    }

    public synchronized int size() {
        return readings.size();
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    public synchronized boolean wasSent() {
        return sent;
    }

    /**
     * The server has it. Returns the store id of its outbox entry to take out, or -1 when it has no
     * entry yet (then the commit will not make one).
     */
    public synchronized long confirm() {
        confirmed = true;
        return firstId;
    }

    /** What {@link #confirmOnce} did: whether it was the item's first confirmation, and the outbox entry to take out (or -1). */
    public record Confirmation(boolean first, long entry) {
    }

    /** {@link #confirm}, telling also whether this was the first: an item sent again may be confirmed twice. */
    public synchronized Confirmation confirmOnce() {
        boolean first = !confirmed;
        return new Confirmation(first, confirm());
    }

    public synchronized boolean isConfirmed() {
        return confirmed;
    }

    /** Store id of the first reading, or -1 before its first commit. */
    public synchronized long firstId() {
        return firstId;
    }

    /** Readings of this item already in the store. */
    synchronized int committed() {
        return committed;
    }

    /** Called by the store inside the transaction that wrote {@code count} more of its readings, up to {@code last}. */
    synchronized void committedUpTo(long first, long last, int count) {
        if (firstId < 0) {
            firstId = first;
        }
        lastId = last;
        committed += count;
    }

    /** Undoes {@link #committedUpTo} of a transaction that was rolled back. */
    synchronized void restoreCommitted(long first, long last, int count) {
        firstId = first;
        lastId = last;
        committed = count;
    }

    synchronized long lastId() {
        return lastId;
    }

    /** As the store would give it back: for sending from memory with the same id and content. */
    public synchronized StoredItem asStored() {
        return new StoredItem(firstId, lastId, readings);
    }
}
