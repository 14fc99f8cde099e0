package org.xmppiot.drivers.serial;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts frames that could not be used, by kind, and logs the first of each kind only: a device
 * sending garbage all day must not fill the log, but the user must learn that it does.
 */
final class FrameRejections {

    private static final Logger log = LoggerFactory.getLogger(FrameRejections.class);

    private final String thingId;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    FrameRejections(String thingId) {
        this.thingId = thingId;
    }

    /** Counts one rejection; {@code detail} is only built for the first of its kind, the one that is logged. */
    void count(String kind, Supplier<String> detail) {
        AtomicLong c = counts.computeIfAbsent(kind, k -> new AtomicLong());
        if (c.incrementAndGet() == 1) {
            log.warn("thing={} rejected a frame kind={}: {} (further ones of this kind are only counted)", thingId, kind, detail.get());
        }
    }

    /** Rejected frames by kind so far. */
    Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    long total() {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }
}
