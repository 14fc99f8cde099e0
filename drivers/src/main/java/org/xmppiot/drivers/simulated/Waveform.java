package org.xmppiot.drivers.simulated;

import java.util.Random;

/** How a simulated field's value moves over time, between a minimum and a maximum. */
interface Waveform {

    /** The value {@code seconds} after the driver started. Called from one thread only. */
    double valueAt(double seconds);

    static Waveform sine(double min, double max, double periodSeconds) {
        return s -> min + (max - min) * (0.5 + 0.5 * Math.sin(2 * Math.PI * s / periodSeconds));
    }

    static Waveform triangle(double min, double max, double periodSeconds) {
        return s -> {
            double phase = (s / periodSeconds) % 1.0;
            double up = phase < 0.5 ? phase * 2 : 2 - phase * 2;
            return min + (max - min) * up;
        };
    }

    static Waveform square(double min, double max, double periodSeconds) {
        return s -> (s / periodSeconds) % 1.0 < 0.5 ? max : min;
    }

    static Waveform constant(double value) {
        return s -> value;
    }

    /** Starts in the middle and moves at most {@code step} per sample, staying within bounds. */
    static Waveform randomWalk(double min, double max, double step, long seed) {
        Random random = new Random(seed);
        double[] current = {(min + max) / 2};
        return s -> {
            double next = current[0] + (random.nextDouble() * 2 - 1) * step;
            current[0] = Math.max(min, Math.min(max, next));
            return current[0];
        };
    }
}
