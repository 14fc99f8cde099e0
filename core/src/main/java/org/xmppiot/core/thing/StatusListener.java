package org.xmppiot.core.thing;

import org.xmppiot.core.model.ThingStatus;

/** Told of every change of a thing's status, on the thread that reported it; must return at once. */
@FunctionalInterface
public interface StatusListener {
    void statusChanged(Thing thing, ThingStatus previous);
}
