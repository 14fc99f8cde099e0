package org.xmppiot.gateway.adhoc;

import java.util.Set;

/** What the management commands see of the running gateway and may do to it. */
public interface ManagedGateway {

    Set<String> thingIds();

    /** A thing's human name. */
    String title(String thingId);

    /** A few lines on how the gateway is doing. */
    String status();

    /** Null when the thing's driver runs again, otherwise why not. */
    String restartDriver(String thingId);
}
