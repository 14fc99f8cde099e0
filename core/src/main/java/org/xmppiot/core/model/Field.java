package org.xmppiot.core.model;

import java.util.Objects;
import java.util.Set;

/** One named value of a reading, with the quality flags that say how it was obtained and its category. */
public record Field(String name, FieldValue value, Set<Quality> quality, Category category) {

    private static final Set<Quality> AUTOMATIC_READOUT = QualitySets.single(Quality.AUTOMATIC_READOUT);

    /** {@code quality} is kept unmodifiable, in the enum's order. */
    public Field {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(category, "category");
        quality = QualitySets.of(quality);
    }

    /** A momentary field, the usual case. */
    public Field(String name, FieldValue value, Set<Quality> quality) {
        this(name, value, quality, Category.MOMENTARY);
    }

    /** A field read automatically from a device, the usual case. */
    public static Field readout(String name, FieldValue value) {
        return new Field(name, value, AUTOMATIC_READOUT);
    }

    /** A status field: the state of the device or its connection, e.g. whether its port is open. */
    public static Field status(String name, String text) {
        return new Field(name, new FieldValue.StringValue(text), AUTOMATIC_READOUT, Category.STATUS);
    }

    /** The same field with other quality flags. */
    public Field withQuality(Set<Quality> flags) {
        return new Field(name, value, flags, category);
    }
}
