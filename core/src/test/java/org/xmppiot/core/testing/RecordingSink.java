package org.xmppiot.core.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.xmppiot.core.model.Reading;
import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.core.spi.ReadingSink;

/** A sink that keeps what a driver hands it, readings and statuses, in order, for tests to look at. */
public final class RecordingSink implements ReadingSink {

    private final List<Reading> readings = new CopyOnWriteArrayList<>();
    private final List<ThingStatus> statuses = new CopyOnWriteArrayList<>();
    private final Map<Reading, ThingStatus> statusWhenHanded = new ConcurrentHashMap<>();

    @Override
    public void accept(Reading reading) {
        ThingStatus status = lastStatus();
        if (status != null) {
            statusWhenHanded.put(reading, status);
        }
        readings.add(reading);
    }

    @Override
    public void status(String thingId, ThingStatus status) {
        statuses.add(status);
    }

    public List<Reading> readings() {
        return readings;
    }

    /** Every status reported, repeats included. */
    public List<ThingStatus> statuses() {
        return statuses;
    }

    /** The status the driver had reported last when it handed this reading over, or null if none by then. */
    public ThingStatus statusWhenHanded(Reading reading) {
        return statusWhenHanded.get(reading);
    }

    /** The status reported last, or null before any. */
    public ThingStatus lastStatus() {
        return statuses.isEmpty() ? null : statuses.get(statuses.size() - 1);
    }
}
