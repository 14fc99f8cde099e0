package org.xmppiot.gateway.watch;

import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Quality;
import org.xmppiot.core.model.Reading;

/** One line per reading for people and scripts: {@code <time> <thing> name=value unit ...}. */
public final class ReadingFormatter {

    private ReadingFormatter() {
    }

    public static String format(Reading reading) {
        StringBuilder b = new StringBuilder(64);
        b.append(reading.timestamp()).append(' ').append(reading.thingId());
        for (Field f : reading.fields()) {
            b.append(' ').append(f.name()).append('=');
            FieldValue v = f.value();
            if (v instanceof FieldValue.NumericValue n) {
                b.append(n.value().toPlainString());
                if (!n.unit().isEmpty()) {
                    b.append(' ').append(n.unit());
                }
            } else if (v instanceof FieldValue.BooleanValue bool) {
                b.append(bool.value());
            } else if (v instanceof FieldValue.IntegerValue i) {
                b.append(i.value());
            } else {
                b.append('"').append(((FieldValue.StringValue) v).value()).append('"');
            }
            // A value that is no longer current or known bad must not pass for a fresh one.
            if (f.quality().contains(Quality.MISSING)) {
                b.append(" (missing)");
            } else if (f.quality().contains(Quality.ERROR)) {
                b.append(" (error)");
            }
        }
        return b.toString();
    }
}
