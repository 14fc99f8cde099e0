package org.xmppiot.gateway.adhoc;

import java.util.ArrayList;
import java.util.List;

/**
 * A configuration sent to many gateways at once leaves out the {@code xmpp:} section, which is each gateway's own
 * (its account and password file): the gateway puts its running one in front. A document that has one must be for
 * this gateway's account.
 */
public final class FleetDocument {

    private FleetDocument() {
    }

    /** The top-level {@code xmpp:} block of {@code yaml}, from its key to the next top-level key; null when absent. */
    public static String xmppSection(String yaml) {
        List<String> block = new ArrayList<>();
        boolean inside = false;
        for (String line : yaml.split("\n", -1)) {
            boolean topLevel = !line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("#");
            if (topLevel) {
                inside = line.startsWith("xmpp:");
            }
            if (inside) {
                block.add(line);
            }
        }
        return block.isEmpty() ? null : String.join("\n", block).stripTrailing() + "\n";
    }

    /** The {@code xmpp.jid} the document names, or null when it names none (or cannot be read; the full check says why). */
    public static String account(String yaml) {
        try {
            var xmpp = org.xmppiot.core.config.YamlConfigReader.read("the new configuration", yaml).section("xmpp");
            return xmpp.has("jid") ? xmpp.string("jid") : null;
        } catch (org.xmppiot.core.config.ConfigException e) {
            return null;
        }
    }

    /** {@code pushed} as this gateway runs it: with {@code running}'s xmpp section when it has none of its own. */
    public static String withOwnAccount(String pushed, String running) {
        if (xmppSection(pushed) != null) {
            return pushed;
        }
        String own = xmppSection(running);
        return own == null ? pushed : own + pushed;
    }
}
