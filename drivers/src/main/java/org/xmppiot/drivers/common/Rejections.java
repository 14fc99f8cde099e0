package org.xmppiot.drivers.common;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts input that could not be used (frames, sensor values), by kind, and logs the first of each
 * kind only: a device sending garbage all day must not fill the log, but the user must learn that it does.
 */
public final class Rejections {

    private static final Logger log = LoggerFactory.getLogger(Rejections.class);

    private final String thingId;
    private final String what;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    /** {@code what} names the rejected input in the log, e.g. "frame" or "value". */
    public Rejections(String thingId, String what) {
        this.thingId = thingId;
        this.what = what;
    }

    /** Counts one rejection; {@code detail} is only built for the first of its kind, the one that is logged. */
    public void count(String kind, Supplier<String> detail) {
        AtomicLong c = counts.computeIfAbsent(kind, k -> new AtomicLong());
        if (c.incrementAndGet() == 1) {
            log.warn("thing={} rejected a {} kind={}: {} (further ones of this kind are only counted)", thingId, what, kind, detail.get());
        }
    }

    /** Rejected frames by kind so far. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public long total() {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }
}
