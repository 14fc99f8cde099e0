package org.xmppiot.core.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for behaviour, never for time: polls a condition until it holds and fails, naming what was
 * awaited, only when a generous deadline passes. Shared by the tests of every module (core's test jar).
 */
public final class Await {

    /** What tests wait for when nothing slower is expected: long enough that only a real fault misses it. */
    public static final Duration GENEROUS = Duration.ofSeconds(30);

    private Await() {
    }

    public static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        value(what, timeout, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        until(what, GENEROUS, condition);
    }

    /** The first non-null value the supplier gives. */
    public static <T> T value(String what, Duration timeout, Supplier<T> supplier) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = supplier.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
