package org.xmppiot.core.spi;

import java.time.Duration;

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

    /**
     * Offers a busy device's input to be taken in before each batch by a subscriber that gathers readings anyway (the
     * store, by {@code pubsub.item-interval}), so that the frames wait where they are instead of waking the driver's
     * thread one by one. True when taken: the driver then leaves the input alone until {@link HeldInput#handBack}.
     * False (the default) when no subscriber gathers now, or only for longer than {@code maxWait}, the longest its
     * input may wait without loss.
     */
    default boolean hold(HeldInput input, Duration maxWait) {
        return false;
    }
}
