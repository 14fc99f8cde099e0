package org.xmppiot.drivers.ble;

import java.util.List;

import org.xmppiot.core.model.Field;

/**
 * The fields one advertisement decoded to, and the format's packet counter (null when the format has none) by
 * which repeats of the same measurement are dropped.
 */
record Decoded(String format, List<Field> fields, Long counter) {

    Decoded {
        fields = List.copyOf(fields);
    }

    /** Whether the packet was encrypted: its counter then only goes up, and an older one is refused as a replay. */
    boolean encrypted() {
        return format.endsWith("-encrypted") && counter != null;
    }
}
