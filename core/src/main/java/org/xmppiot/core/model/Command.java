package org.xmppiot.core.model;

import java.util.Objects;

/**
 * A request to set one field of one thing (an output, a setpoint), as it travels from an authorised
 * XMPP request to the driver that owns the thing. {@code origin} says who asked, for the log.
 */
public record Command(String thingId, String field, FieldValue value, String origin) {

    public Command {
        Objects.requireNonNull(thingId, "thingId");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(value, "value");
        origin = origin == null ? "" : origin;
    }
}
