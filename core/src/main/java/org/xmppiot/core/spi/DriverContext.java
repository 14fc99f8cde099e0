package org.xmppiot.core.spi;

import java.util.function.Supplier;

import org.xmppiot.core.model.ThingStatus;

/**
 * What a running gateway hands its drivers: the resources things share (the links on one Modbus bus, one Bluetooth
 * adapter's scanner, the Pi4J context), kept per gateway instead of in static state, and a place to report the
 * status of a bridge, a bus or adapter several things are reached through. The thing registry is the gateway's
 * context.
 */
public interface DriverContext {

    /** This context's one {@code type}, made by {@code make} on first use. */
    <T> T shared(Class<T> type, Supplier<T> make);

    /** The status of the bridge {@code bridgeId} (e.g. {@code modbus rtu:/dev/ttyUSB0}) now; repeated reports are cheap. */
    void bridgeStatus(String bridgeId, ThingStatus status);

    /** No thing uses the bridge any more: it is forgotten. */
    void bridgeGone(String bridgeId);

    /** A context of its own, for a driver made outside a running gateway (check-config, tests): it shares with nobody. */
    static DriverContext standalone() {
        return new StandaloneDriverContext();
    }
}
