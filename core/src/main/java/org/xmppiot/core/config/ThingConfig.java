package org.xmppiot.core.config;

import java.util.Set;

/**
 * One configured thing: its id (used in node names and XMPP addresses), a display name, the driver
 * that feeds it, and its whole section, from which the driver reads its own keys.
 */
public record ThingConfig(String id, String name, String driver, ConfigNode section) {

    /** Keys every thing may have, whatever its driver. */
    public static final Set<String> COMMON_KEYS = Set.of("id", "name", "driver", "enabled");

    /** {@code enabled: false} keeps a thing in the configuration, registered but switched off. */
    public boolean enabled() throws ConfigException {
        return section.bool("enabled", true);
    }

    /** Whether {@code other} configures this thing the same way (a reload leaves it running untouched). */
    public boolean sameAs(ThingConfig other) {
        return other != null && id.equals(other.id) && section.sameContent(other.section);
    }
}
