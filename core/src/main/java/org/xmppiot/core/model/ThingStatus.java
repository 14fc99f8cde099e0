package org.xmppiot.core.model;

import java.util.Locale;
import java.util.Objects;

/**
 * Where a thing stands, with a reason a person can act on: the one status model of every driver and of
 * things found on the network. An online thing may carry a note (one of its sensors is missing); an
 * offline one always says why, in a sentence for people and as a {@link Detail} for machines (metrics, the
 * JSON API and the fleet view tell "unplugged" from "wrong unit id" by it, not by parsing the sentence).
 */
public record ThingStatus(State state, Detail detail, String reason) {

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

    /** What kind of trouble a thing has, for machines; {@link #NONE} when it has none. */
    public enum Detail {
        /** No trouble (starting, or online without a note). */
        NONE,
        /** The device, port, bus or adapter is not there (unplugged, not yet plugged in, no such file). */
        DEVICE_MISSING,
        /** The device is there but does not answer (timeouts, advertisements no longer heard). */
        NO_ANSWER,
        /** It answers, but with something that cannot be read (checksum errors, garbage, values out of range). */
        BAD_DATA,
        /** The operating system refuses or fails the access (permissions, I/O errors). */
        IO_ERROR,
        /** The configuration does not fit the device (wrong unit id or register, a driver that cannot start). */
        CONFIG,
        /** The shared bus or adapter the thing is reached through is offline. */
        BRIDGE_OFFLINE,
        /** Switched off in the configuration. */
        DISABLED;

        /** {@code device-missing}: the name in metrics, JSON and the fleet view. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public ThingStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(detail, "detail");
        reason = reason == null || reason.isBlank() ? null : reason;
        if (state == State.OFFLINE && reason == null) {
            throw new IllegalArgumentException("an offline status needs a reason");
        }
        if (state == State.OFFLINE && detail == Detail.NONE) {
            throw new IllegalArgumentException("an offline status needs a detail");
        }
    }

    public static ThingStatus starting() {
        return new ThingStatus(State.STARTING, Detail.NONE, null);
    }

    public static ThingStatus online() {
        return new ThingStatus(State.ONLINE, Detail.NONE, null);
    }

    /** Online, with something a person should know (e.g. one of several sensors does not answer) and its kind. */
    public static ThingStatus online(Detail detail, String note) {
        return new ThingStatus(State.ONLINE, note == null || note.isBlank() ? Detail.NONE : detail, note);
    }

    public static ThingStatus offline(Detail detail, String reason) {
        return new ThingStatus(State.OFFLINE, detail, reason);
    }

    public static ThingStatus disabled(String reason) {
        return new ThingStatus(State.DISABLED, Detail.DISABLED, reason);
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
