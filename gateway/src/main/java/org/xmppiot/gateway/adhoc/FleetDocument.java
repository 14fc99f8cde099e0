package org.xmppiot.gateway.adhoc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A configuration sent to a gateway (replace-config, {@code fleet push}) changes the top-level sections it names and
 * nothing else: a section it leaves out keeps the gateway's running one, text and comments as they are. So a
 * things-only document sent to a fleet keeps each gateway's account ({@code xmpp}), its owners and readers, its store
 * and its page. A section named empty ({@code http: {}}) goes back to its defaults. {@code handover: true} at the top
 * lets the document take the sender off {@code access.owners}; it is read here and not kept.
 */
public final class FleetDocument {

    /** The top-level key that lets a document remove its sender from the owners. */
    public static final String HANDOVER = "handover";

    /** The document as the gateway will run it, what it changed and kept, and whether it hands the gateway over. */
    public record Merged(String yaml, List<String> changed, List<String> kept, boolean handover) {

        /** "changed access, things; kept xmpp, store" for the outcome message. */
        public String summary() {
            return "changed " + (changed.isEmpty() ? "nothing" : String.join(", ", changed))
                    + "; kept " + (kept.isEmpty() ? "nothing" : String.join(", ", kept));
        }
    }

    private FleetDocument() {
    }

    /** {@code pushed} completed with every section of {@code running} that it does not name. */
    public static Merged merge(String pushed, String running) {
        Map<String, String> sent = sections(pushed);
        String handoverBlock = sent.remove(HANDOVER);
        boolean handover = handoverBlock != null && handoverBlock.replace(HANDOVER + ":", "").trim().startsWith("true");
        Map<String, String> own = sections(running);
        StringBuilder yaml = new StringBuilder();
        List<String> kept = new ArrayList<>();
        for (Map.Entry<String, String> e : own.entrySet()) {
            if (!e.getKey().isEmpty() && !sent.containsKey(e.getKey())) {
                yaml.append(e.getValue());
                kept.add(e.getKey());
            }
        }
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, String> e : sent.entrySet()) {
            yaml.append(e.getValue());
            if (!e.getKey().isEmpty()) {
                changed.add(e.getKey());
            }
        }
        return new Merged(yaml.toString(), changed, kept, handover);
    }

    /**
     * The top-level blocks of {@code yaml} by key, each from its key line to the next top-level key, in order; lines
     * before the first key (comments) come under "". A comment line belongs to the block it stands in.
     */
    static Map<String, String> sections(String yaml) {
        Map<String, String> blocks = new LinkedHashMap<>();
        String key = "";
        StringBuilder block = new StringBuilder();
        for (String line : yaml.split("\n", -1)) {
            boolean topLevel = !line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("#")
                    && !line.startsWith("---") && line.indexOf(':') > 0;
            if (topLevel) {
                put(blocks, key, block);
                key = line.substring(0, line.indexOf(':')).trim();
                block = new StringBuilder();
            }
            block.append(line).append('\n');
        }
        put(blocks, key, block);
        return blocks;
    }

    private static void put(Map<String, String> blocks, String key, StringBuilder block) {
        String text = block.toString().replaceAll("\n+$", "\n");
        if (!text.isBlank()) {
            // A key given twice is an error the loader reports; keep both so it still sees it.
            blocks.merge(key, text, String::concat);
        }
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
}
