package org.xmppiot.core.bus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.Reading;

/**
 * The newest value of every field of every thing. A reading may carry only some fields,
 * so the cache keeps each field with its own timestamp instead of the last reading as a whole.
 */
public final class LatestValueCache {

    /** A field as last seen, with the time of the reading that carried it. */
    public record LatestField(Field field, Instant timestamp, long sequence) {
    }

    private final Map<String, Map<String, LatestField>> byThing = new ConcurrentHashMap<>();

    void update(Reading reading) {
        Map<String, LatestField> fields = byThing.get(reading.thingId());
        if (fields == null) {
            fields = byThing.computeIfAbsent(reading.thingId(), id -> new LinkedHashMap<>());
        }
        Instant at = reading.timestamp();
        synchronized (fields) {
            for (Field f : reading.fields()) {
                // One map operation a field: put, and only when the value replaced was newer put that back. Drivers may
                // deliver out of order after a replay; an older value never wins. (A key put again keeps its place.)
                LatestField previous = fields.put(f.name(), new LatestField(f, at, reading.sequence()));
                if (previous != null && previous.timestamp().isAfter(at)) {
                    fields.put(f.name(), previous);
                }
            }
        }
    }

    /** The things that have reported at least once. */
    public java.util.Set<String> things() {
        return java.util.Set.copyOf(byThing.keySet());
    }

    /** The latest fields of a thing in the order they first appeared; empty if it never reported. */
    public List<LatestField> fields(String thingId) {
        Map<String, LatestField> fields = byThing.get(thingId);
        if (fields == null) {
            return List.of();
        }
        synchronized (fields) {
            return new ArrayList<>(fields.values());
        }
    }

    /**
     * The thing's latest fields as one reading, stamped with the newest field's time and sequence;
     * null if it never reported.
     */
    public Reading latest(String thingId) {
        List<LatestField> fields = fields(thingId);
        if (fields.isEmpty()) {
            return null;
        }
        LatestField newest = fields.get(0);
        for (LatestField f : fields) {
            if (f.timestamp().isAfter(newest.timestamp())) {
                newest = f;
            }
        }
        return new Reading(thingId, newest.sequence(), newest.timestamp(), fields.stream().map(LatestField::field).toList());
    }

    public Optional<LatestField> field(String thingId, String fieldName) {
        Map<String, LatestField> fields = byThing.get(thingId);
        if (fields == null) {
            return Optional.empty();
        }
        synchronized (fields) {
            return Optional.ofNullable(fields.get(fieldName));
        }
    }
}
