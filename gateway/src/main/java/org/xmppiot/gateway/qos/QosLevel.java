package org.xmppiot.gateway.qos;

import java.util.Locale;

/**
 * The three delivery promises of the XMPP IoT Quality of Service proposal ({@code urn:xmpp:qos}).
 * Unacknowledged: a plain message, at most once. Acknowledged: the message inside an IQ set, sent
 * again until the IQ result comes back, at least once. Assured: two acknowledged phases (hand over,
 * then deliver) with a message id the receiver remembers, exactly once.
 */
public enum QosLevel {
    UNACKNOWLEDGED, ACKNOWLEDGED, ASSURED;

    /** The name used in configuration files. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static QosLevel fromConfigName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
