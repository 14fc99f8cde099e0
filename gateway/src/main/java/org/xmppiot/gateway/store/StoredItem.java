package org.xmppiot.gateway.store;

import java.util.List;

import org.xmppiot.core.model.Reading;

/**
 * What one destination still has to send: readings of one thing that travel together, in order.
 * Their store ids run from {@code firstId} to {@code lastId}; {@code firstId} names the entry.
 */
public record StoredItem(long firstId, long lastId, List<Reading> readings) {

    public StoredItem {
        readings = List.copyOf(readings);
    }

    public Reading first() {
        return readings.get(0);
    }

    public String thingId() {
        return first().thingId();
    }
}
