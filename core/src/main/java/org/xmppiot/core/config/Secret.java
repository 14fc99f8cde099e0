package org.xmppiot.core.config;

/** A password or key that must never reach a log: its {@link #toString()} hides it. */
public final class Secret {

    private final String value;
    private final String origin;

    public Secret(String value, String origin) {
        this.value = value;
        this.origin = origin;
    }

    /** The secret itself; pass it on, never print it. */
    public String reveal() {
        return value;
    }

    /** Where it came from (a file path or an environment variable), safe to show. */
    public String origin() {
        return origin;
    }

    @Override
    public String toString() {
        return "(secret from " + origin + ")";
    }
}
