package org.xmppiot.core.spi;

import org.xmppiot.core.model.Reading;
import org.xmppiot.core.model.ThingStatus;

/**
 * Where a driver hands its readings and says how its thing is doing. Implementations must return at
 * once and never block the driver.
 */
@FunctionalInterface
public interface ReadingSink {

    void accept(Reading reading);

    /**
     * The thing's status changed (device gone, back, bus error); the thing registry records it and tells
     * every view. Saying the same status again is harmless. Sinks that keep no status ignore it.
     */
    default void status(String thingId, ThingStatus status) {
    }
}
