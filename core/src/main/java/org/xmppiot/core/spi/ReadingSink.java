package org.xmppiot.core.spi;

import org.xmppiot.core.model.Reading;

/** Where a driver hands its readings. Implementations must return at once and never block the driver. */
@FunctionalInterface
public interface ReadingSink {
    void accept(Reading reading);
}
