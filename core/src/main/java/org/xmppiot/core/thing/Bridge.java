package org.xmppiot.core.thing;

import java.time.Instant;

import org.xmppiot.core.model.ThingStatus;

/**
 * A bus or adapter several things are reached through (one Modbus RTU bus, one Modbus TCP gateway), with its own
 * status: when it fails, its things are offline with the detail {@code bridge-offline}, and the bridge says why.
 */
public record Bridge(String id, ThingStatus status, Instant since) {
}
