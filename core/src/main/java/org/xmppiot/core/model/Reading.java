package org.xmppiot.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one thing reported at one moment. The sequence number counts up per thing and driver run;
 * together with the timestamp it names the reading uniquely.
 */
public record Reading(String thingId, long sequence, Instant timestamp, List<Field> fields) {

    public Reading {
        Objects.requireNonNull(thingId, "thingId");
        Objects.requireNonNull(timestamp, "timestamp");
        fields = List.copyOf(fields);
    }

    /** The field with this name, or null. */
    public Field field(String name) {
        for (Field f : fields) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
    }
}
