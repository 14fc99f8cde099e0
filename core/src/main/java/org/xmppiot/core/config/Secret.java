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

    /** Same secret from the same place: a reloaded configuration that changed neither keeps its session. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value) && s.origin.equals(origin);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(value, origin);
    }

    @Override
    public String toString() {
        return "(secret from " + origin + ")";
    }
}
