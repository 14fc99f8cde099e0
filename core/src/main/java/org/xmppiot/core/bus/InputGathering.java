package org.xmppiot.core.bus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.spi.HeldInput;

/**
 * The inputs drivers have left waiting ({@link HeldInput}), taken in by a gathering subscriber's thread after it has
 * slept out its gathering time and before it takes its batch. A busy serial device then costs a read a batch on a
 * thread that wakes anyway, instead of a wake-up of its own thread for every line.
 *
 * <p>Inputs are held only while a subscriber gathers often enough for them (its gathering time no longer than the
 * input's longest wait), handed back when that stops, and handed back after a few rounds that found nothing: a device
 * that falls quiet is read by its own thread again, as each frame comes.
 */
final class InputGathering {

    private static final Logger log = LoggerFactory.getLogger(InputGathering.class);
    /**
     * How long an input may bring nothing before it is handed back, at least: three rounds, so that a device a little
     * slower than the rounds stays held, and no less than the spell a driver calls busy (frames under 100 ms apart).
     */
    static final long QUIET_BEFORE_HANDING_BACK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    static final int QUIET_ROUNDS_BEFORE_HANDING_BACK = 3;

    private static final class Held {
        final HeldInput input;
        final long maxWaitNanos;
        /** When a round last brought something (or the input was taken). */
        long lastBrought = System.nanoTime();
        boolean failed;

        Held(HeldInput input, long maxWaitNanos) {
            this.input = input;
            this.maxWaitNanos = maxWaitNanos;
        }
    }

    /** Guards {@link #held} and {@link #gathering}. */
    private final ReentrantLock state = new ReentrantLock();
    /** One round at a time: two gathering subscribers never read the same input at once. */
    private final ReentrantLock collecting = new ReentrantLock();
    private final List<Held> held = new ArrayList<>();
    /** The gathering times of the subscribers that gather now (in a run of batches), one entry each. */
    private final List<Long> gathering = new ArrayList<>();
    private final List<Held> round = new ArrayList<>();
    /** Set when a gathering thread said it is about to wait; nothing is held again until a round has been made. */
    private boolean refusing;

    boolean hold(HeldInput input, Duration maxWait) {
        long max = maxWait.toNanos();
        state.lock();
        try {
            if (refusing || !gathersWithin(max)) {
                return false;
            }
            held.add(new Held(input, max));
            return true;
        } finally {
            state.unlock();
        }
    }

    /** A subscriber with this gathering time begins a run of batches: from now on it collects before each. */
    void started(long gatherNanos) {
        state.lock();
        try {
            gathering.add(gatherNanos);
        } finally {
            state.unlock();
        }
    }

    /** A subscriber's run of batches ended (its queue ran empty, or it closes): what only it could collect goes back. */
    void stopped(long gatherNanos) {
        List<Held> back = new ArrayList<>();
        state.lock();
        try {
            gathering.remove(Long.valueOf(gatherNanos));
            for (int i = held.size() - 1; i >= 0; i--) {
                Held h = held.get(i);
                if (!gathersWithin(h.maxWaitNanos)) {
                    back.add(held.remove(i));
                }
            }
        } finally {
            state.unlock();
        }
        // Outside the lock: a driver hands over under its own lock and then takes this one.
        back.forEach(InputGathering::handBack);
    }

    /**
     * A gathering thread is about to wait for longer than inputs may (its consumer holds it up): every input goes back to
     * its driver's thread at once, whose readings then queue on the bus as any others (counted when dropped), and none
     * is held again until a gathering thread makes its next round.
     */
    void handBackAll() {
        List<Held> back;
        state.lock();
        try {
            refusing = true;
            back = new ArrayList<>(held);
            held.clear();
        } finally {
            state.unlock();
        }
        back.forEach(InputGathering::handBack);
    }

    /**
     * Takes in every held input that may wait as long as {@code gatherNanos}, on the calling subscriber's thread; the
     * readings go onto the bus as any driver's do. True while such inputs stay held (the caller keeps to its rounds, even
     * if this one brought nothing, so that they are collected again). Another subscriber already in a round makes this
     * one skip: what it takes in is queued for everyone.
     */
    boolean collect(long gatherNanos) {
        if (!collecting.tryLock()) {
            return true;
        }
        try {
            round.clear();
            state.lock();
            try {
                refusing = false;
                for (Held h : held) {
                    if (h.maxWaitNanos >= gatherNanos) {
                        round.add(h);
                    }
                }
            } finally {
                state.unlock();
            }
            long quiet = Math.max(QUIET_ROUNDS_BEFORE_HANDING_BACK * gatherNanos, QUIET_BEFORE_HANDING_BACK_NANOS);
            for (Held h : round) {
                boolean brought = collectOne(h);
                long now = System.nanoTime();
                boolean back;
                state.lock();
                try {
                    if (brought) {
                        h.lastBrought = now;
                    }
                    back = !brought && (h.failed || now - h.lastBrought >= quiet) && held.remove(h);
                } finally {
                    state.unlock();
                }
                if (back) {
                    handBack(h);
                }
            }
            round.clear();
            state.lock();
            try {
                return holdsWithin(gatherNanos);
            } finally {
                state.unlock();
            }
        } finally {
            collecting.unlock();
        }
    }

    private static boolean collectOne(Held h) {
        try {
            return h.input.collect();
        } catch (RuntimeException e) {
            // A driver's bug must not stop the subscriber's thread; the input goes back to its own thread.
            log.warn("a held input failed while taken in ({}); it is read by its driver's thread again."
                    + " This is a bug: please report it with this log", e.toString());
            h.failed = true;
            return false;
        }
    }

    private boolean holdsWithin(long gatherNanos) {
        for (Held h : held) {
            if (h.maxWaitNanos >= gatherNanos) {
                return true;
            }
        }
        return false;
    }

    private boolean gathersWithin(long maxWaitNanos) {
        for (long g : gathering) {
            if (g <= maxWaitNanos) {
                return true;
            }
        }
        return false;
    }

    private static void handBack(Held h) {
        try {
            h.input.handBack();
        } catch (RuntimeException e) {
            log.warn("a held input could not be handed back ({}). This is a bug: please report it with this log", e.toString());
        }
    }

    /** How many inputs are held now (for the bus's stats and tests). */
    int heldCount() {
        state.lock();
        try {
            return held.size();
        } finally {
            state.unlock();
        }
    }
}
