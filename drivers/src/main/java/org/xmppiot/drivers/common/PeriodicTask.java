package org.xmppiot.drivers.common;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a driver's sampling at a fixed rate on its own daemon thread. A failing run is logged and the
 * schedule goes on (an exception would otherwise cancel it for good); {@link #close} waits for the
 * running one to end, so nothing is sampled after it returns.
 */
public final class PeriodicTask implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

    private final ScheduledExecutorService scheduler;
    private final String name;

    private PeriodicTask(String name, Duration interval, Runnable task) {
        this.name = name;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleAtFixedRate(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("{} failed: {}", name, e.toString());
            }
        }, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Starts {@code task} now and then every {@code interval}, on a thread called {@code name}. */
    public static PeriodicTask start(String name, Duration interval, Runnable task) {
        return new PeriodicTask(name, interval, task);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("{} did not stop within 5 s", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
