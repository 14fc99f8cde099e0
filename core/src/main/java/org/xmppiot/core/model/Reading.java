package org.xmppiot.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one thing reported at one moment. The sequence number counts up per thing (the registry numbers what drivers
 * hand it, on from what a store kept of earlier runs; status readings count down from -1); it names the reading
 * uniquely among its thing's.
 */
public record Reading(String thingId, long sequence, Instant timestamp, List<Field> fields) {

    /** The one field of a status reading: the thing's own state, as the registry reports it. */
    public static final String STATUS_FIELD = "status";

    public Reading {
        Objects.requireNonNull(thingId, "thingId");
        Objects.requireNonNull(timestamp, "timestamp");
        fields = List.copyOf(fields);
    }

    /**
     * Whether this is a status reading (the thing went online, offline, ...) rather than a measurement:
     * one field named {@value #STATUS_FIELD} of category status. Holds for readings received over XMPP too,
     * where the category travels as the field's {@code status='true'}.
     */
    public boolean isStatus() {
        return fields.size() == 1 && fields.get(0).name().equals(STATUS_FIELD) && fields.get(0).category() == Category.STATUS;
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
