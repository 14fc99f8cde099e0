package org.xmppiot.core.model;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/** One named value of a reading, with the quality flags that say how it was obtained. */
public record Field(String name, FieldValue value, Set<Quality> quality) {

    public Field {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        quality = quality == null || quality.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(quality));
    }

    /** A field read automatically from a device, the usual case. */
    public static Field readout(String name, FieldValue value) {
        return new Field(name, value, Set.of(Quality.AUTOMATIC_READOUT));
    }
}
