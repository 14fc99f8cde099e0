package org.xmppiot.core.model;

import java.util.Locale;
import java.util.Objects;

/**
 * Where a thing stands, with a reason a person can act on: the one status model of every driver and of
 * things found on the network. An online thing may carry a note (one of its sensors is missing); an
 * offline one always says why.
 */
public record ThingStatus(State state, String reason) {

    public enum State {
        /** Registered, its driver starting or not yet heard from. */
        STARTING,
        /** Delivering readings. */
        ONLINE,
        /** Not delivering: device gone, bus error, object stopped announcing. The driver keeps trying. */
        OFFLINE,
        /** Configured but switched off ({@code enabled: false}). */
        DISABLED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ThingStatus {
        Objects.requireNonNull(state, "state");
        reason = reason == null || reason.isBlank() ? null : reason;
        if (state == State.OFFLINE && reason == null) {
            throw new IllegalArgumentException("an offline status needs a reason");
        }
    }

    public static ThingStatus starting() {
        return new ThingStatus(State.STARTING, null);
    }

    public static ThingStatus online() {
        return new ThingStatus(State.ONLINE, null);
    }

    /** Online, with something a person should know (e.g. one of several sensors does not answer). */
    public static ThingStatus online(String note) {
        return new ThingStatus(State.ONLINE, note);
    }

    public static ThingStatus offline(String reason) {
        return new ThingStatus(State.OFFLINE, reason);
    }

    public static ThingStatus disabled(String reason) {
        return new ThingStatus(State.DISABLED, reason);
    }

    public boolean isOnline() {
        return state == State.ONLINE;
    }

    /** {@code online}, {@code offline: no device at /dev/ttyUSB0; waiting for it}. */
    @Override
    public String toString() {
        return reason == null ? state.label() : state.label() + ": " + reason;
    }
}
