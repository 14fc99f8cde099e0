package org.xmppiot.bench;

import java.util.Arrays;

/** Latencies of one measuring window, in microseconds; percentiles by sorting at the end. */
final class LatencyRecorder {

    private long[] micros = new long[1 << 16];
    private int size;
    private long received;
    private boolean recording;

    synchronized void record(double latencyMs) {
        received++;
        if (!recording) {
            return;
        }
        if (size == micros.length) {
            micros = Arrays.copyOf(micros, size * 2);
        }
        micros[size++] = Math.round(latencyMs * 1000);
    }

    /** Readings received since the start, counted inside and outside windows. */
    synchronized long received() {
        return received;
    }

    synchronized void startWindow() {
        size = 0;
        recording = true;
    }

    /** Ends the window: count, p50, p99 and max in milliseconds. */
    synchronized Window endWindow() {
        recording = false;
        long[] sorted = Arrays.copyOf(micros, size);
        Arrays.sort(sorted);
        return new Window(size, percentile(sorted, 0.50), percentile(sorted, 0.99), size == 0 ? Double.NaN : sorted[size - 1] / 1000.0);
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1000.0;
    }

    record Window(int count, double p50, double p99, double max) {
    }
}
