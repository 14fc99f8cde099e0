package org.xmppiot.drivers.gpio;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Turns a bouncing contact into clean edges: after any raw edge it waits until the pin has been quiet
 * for the debounce time, then reads it; only a level different from the last reported one is an edge,
 * stamped with the time of the first raw edge of the burst. A bounce that ends where it began is no
 * edge at all.
 */
final class Debouncer {

    /** Receives each clean edge: the new level and when it began. */
    interface Edges {
        void edge(boolean high, Instant at);
    }

    private final Duration quiet;
    private final BooleanSupplier level;
    private final ScheduledExecutorService timer;
    private final Edges edges;
    private boolean reported;
    private Instant burstStart;
    private ScheduledFuture<?> pending;

    Debouncer(Duration quiet, boolean initial, BooleanSupplier level, ScheduledExecutorService timer, Edges edges) {
        this.quiet = quiet;
        this.reported = initial;
        this.level = level;
        this.timer = timer;
        this.edges = edges;
    }

    /** A raw edge from the pin (any direction, any number of times). */
    synchronized void raw() {
        if (burstStart == null) {
            burstStart = Instant.now();
        }
        if (quiet.isZero()) {
            settle();
            return;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        pending = timer.schedule(this::settle, quiet.toNanos(), TimeUnit.NANOSECONDS);
    }

    private synchronized void settle() {
        Instant at = burstStart;
        burstStart = null;
        pending = null;
        boolean now = level.getAsBoolean();
        if (now != reported) {
            reported = now;
            edges.edge(now, at);
        }
    }
}
