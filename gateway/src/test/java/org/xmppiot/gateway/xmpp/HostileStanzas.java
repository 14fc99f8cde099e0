package org.xmppiot.gateway.xmpp;

import java.util.List;
import java.util.Random;

/**
 * A seeded generator of hostile stanzas, as raw XML: random elements from every namespace the gateway
 * handles and every one Smack parses for it, absurd attribute values, deep nesting, huge texts, bidi
 * controls, numbers out of range, bad durations and dates. Always well-formed XML, so the server passes
 * it on: what is hostile is the content. The same seed gives the same stanzas.
 */
final class HostileStanzas {

    /**
     * Namespaces with the element names that mean something there: ours and the ones below by hand, and every element
     * Smack registers a provider for in its providers files.
     */
    static final List<List<String>> VOCABULARY = withSmacksProviders(List.of(
            List.of("urn:xmpp:iot:sensordata", "req", "cancel", "fields", "accepted", "started", "done", "failure", "node", "field",
                    "numeric", "boolean", "int", "long", "string", "dateTime", "timeSpan", "enum", "date", "time", "duration"),
            List.of("urn:xmpp:iot:control", "set", "setResponse", "node", "boolean", "int", "long", "double", "string", "duration",
                    "date", "time", "dateTime", "color", "x"),
            List.of("urn:xmpp:iot:events", "subscribe", "unsubscribe", "node", "field", "subscribed", "unsubscribed"),
            List.of("urn:xmpp:qos", "acknowledged", "assured", "deliver", "received", "delivered"),
            List.of("http://jabber.org/protocol/commands", "command", "actions", "next", "prev", "complete", "note", "execute"),
            List.of("jabber:x:data", "x", "field", "value", "option", "title", "instructions", "reported", "item", "required"),
            List.of("http://jabber.org/protocol/disco#info", "query", "identity", "feature", "set"),
            List.of("http://jabber.org/protocol/disco#items", "query", "item"),
            List.of("urn:xmpp:ping", "ping"),
            List.of("jabber:iq:version", "query", "name", "version", "os"),
            List.of("urn:xmpp:time", "time", "tzo", "utc"),
            List.of("jabber:iq:roster", "query", "item", "group"),
            List.of("http://jabber.org/protocol/pubsub", "pubsub", "publish", "item", "items", "subscribe", "options", "create", "configure"),
            List.of("http://jabber.org/protocol/pubsub#event", "event", "items", "item", "retract", "purge", "delete"),
            List.of("http://jabber.org/protocol/pubsub#owner", "pubsub", "affiliations", "affiliation", "configure", "delete"),
            List.of("urn:xmpp:delay", "delay"),
            List.of("jabber:x:delay", "x"),
            List.of("urn:xmpp:receipts", "request", "received"),
            List.of("http://jabber.org/protocol/chatstates", "active", "composing", "paused"),
            List.of("urn:xmpp:sm:3", "r", "a", "enable"),
            List.of("urn:example:nobody", "anything", "set", "query")));

    private static List<List<String>> withSmacksProviders(List<List<String>> byHand) {
        // Smack's providers files: each names the element and namespace of every IQ and extension provider it registers.
        List<String> files = List.of("org.jivesoftware.smack.extensions/extensions.providers",
                "org.jivesoftware.smack.im/smackim.providers", "org.jivesoftware.smack.tcp/smacktcp.providers");
        java.util.Map<String, java.util.LinkedHashSet<String>> all = new java.util.LinkedHashMap<>();
        for (List<String> v : byHand) {
            all.computeIfAbsent(v.get(0), ns -> new java.util.LinkedHashSet<>()).addAll(v.subList(1, v.size()));
        }
        java.util.regex.Pattern provider = java.util.regex.Pattern.compile(
                "<elementName>\\s*([^<\\s]+)\\s*</elementName>\\s*<namespace>\\s*([^<\\s]+)\\s*</namespace>");
        int found = 0;
        for (String resource : files) {
            try (java.io.InputStream in = HostileStanzas.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("Smack's " + resource + " is not on the class path");
                }
                java.util.regex.Matcher m = provider.matcher(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                while (m.find()) {
                    all.computeIfAbsent(m.group(2), ns -> new java.util.LinkedHashSet<>()).add(m.group(1));
                    found++;
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        if (found < 50) {
            throw new IllegalStateException("only " + found + " providers found in Smack's providers files");
        }
        List<List<String>> out = new java.util.ArrayList<>();
        all.forEach((ns, elements) -> {
            List<String> v = new java.util.ArrayList<>();
            v.add(ns);
            v.addAll(elements);
            out.add(List.copyOf(v));
        });
        return List.copyOf(out);
    }

    private static final List<String> ATTRIBUTES = List.of("seqnr", "id", "node", "nodeId", "name", "value", "type", "momentary", "historical",
            "all", "from", "to", "stamp", "action", "sessionid", "status", "var", "label", "maxInterval", "minInterval", "changedBy",
            "changedUp", "changedDown", "currentValue", "msgId", "when", "unit", "decimals", "category", "jid", "subscription", "xml:lang");

    private static final List<String> ABSURD = List.of("", "-1", "0", "99999999999999999999999999", "-9223372036854775809", "1e309", "NaN",
            "Infinity", "-0", "0x7fffffff", "true", "maybe", "P99999999999Y", "PT-1S", "P", "-P1D", "PT0.0000000001S", "1000000d",
            "2026-13-45T25:61:61Z", "0000-00-00", "+999999999-12-31T23:59:59Z", "1970-01-01T00:00:00+25:00", "yesterday",
            "\u202Eevil\u202C", "\u200F\u200E\u2066x\u2069", "<&>'\"", "gateway@localhost", "../../etc/passwd", "%s%n%x", "${jndi:x}",
            "ZZZ", "\u0000".replace('\u0000', '\uFFFD'), "😀🛠", "a\tb\nc", "execute", "cancel", "complete", "form", "submit", "result",
            "replace-config", "restart-driver", "status", "list", "boiler", "shed", "pump", "temperature", "error", "get", "set");

    private static final List<String> CHAT = List.of("help", "list", "read", "read boiler", "set shed pump on", "set shed pump maybe",
            "set boiler temperature 1e309", "status", "observe boiler temperature 0", "observe * * -1", "unobserve", "set", "read *");

    private final Random random;
    private int next;

    HostileStanzas(long seed) {
        this.random = new Random(seed);
    }

    /**
     * Most bytes in one stanza: servers refuse larger ones and close the sender's stream (Prosody's default
     * c2s_stanza_size_limit is 256 KiB), so larger ones would never reach the gateway.
     */
    static final int MAX_BYTES = 200_000;

    /** One stanza to {@code to}; an IQ request gets the id {@code prefix-N}, returned by {@link #lastIqId} (null otherwise). */
    String next(String to, String prefix) {
        while (true) {
            String stanza = any(to, prefix);
            if (stanza.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_BYTES) {
                return stanza;
            }
        }
    }

    private String any(String to, String prefix) {
        lastIqId = null;
        int kind = random.nextInt(10);
        StringBuilder b = new StringBuilder();
        if (kind < 5) {
            lastIqId = prefix + "-" + next++;
            b.append("<iq type='").append(random.nextBoolean() ? "get" : "set").append("' id='").append(lastIqId).append("' to='").append(to).append("'>");
            element(b, random.nextInt(100) < 3 ? 300 : 1 + random.nextInt(4), null);
            b.append("</iq>");
        } else if (kind < 9) {
            b.append("<message to='").append(to).append("'");
            String[] types = {"chat", "normal", "headline", "groupchat", "error", "x"};
            if (random.nextInt(4) > 0) {
                b.append(" type='").append(types[random.nextInt(types.length)]).append("'");
            }
            b.append(">");
            if (random.nextBoolean()) {
                b.append("<body>").append(escape(random.nextBoolean() ? pick(CHAT) + " " + value() : text())).append("</body>");
            }
            for (int i = random.nextInt(3); i >= 0; i--) {
                element(b, random.nextInt(100) < 3 ? 300 : 1 + random.nextInt(4), null);
            }
            b.append("</message>");
        } else {
            String[] types = {"subscribe", "unsubscribe", "subscribed", "probe", "unavailable", "error", "bogus"};
            b.append("<presence to='").append(to).append("'");
            if (random.nextBoolean()) {
                b.append(" type='").append(types[random.nextInt(types.length)]).append("'");
            }
            b.append(">");
            element(b, 1 + random.nextInt(3), null);
            b.append("</presence>");
        }
        return b.toString();
    }

    String lastIqId;

    /** A random element, {@code depth} levels deep, in a random namespace unless it inherits {@code inherited}. */
    private void element(StringBuilder b, int depth, List<String> inherited) {
        List<String> ns = inherited != null && random.nextInt(4) > 0 ? inherited : pick(VOCABULARY);
        String name = random.nextInt(10) == 0 ? "x" + random.nextInt(100) : ns.get(1 + random.nextInt(ns.size() - 1));
        b.append('<').append(name);
        if (ns != inherited) {
            b.append(" xmlns='").append(ns.get(0)).append("'");
        }
        for (int i = random.nextInt(5); i > 0; i--) {
            String attribute = pick(ATTRIBUTES);
            if (b.indexOf(" " + attribute + "=", b.lastIndexOf("<")) < 0) {
                b.append(' ').append(attribute).append("='").append(escape(value())).append("'");
            }
        }
        if (depth <= 1 && random.nextInt(3) == 0) {
            b.append("/>");
            return;
        }
        b.append('>');
        if (random.nextInt(3) == 0) {
            b.append(escape(random.nextInt(50) == 0 ? "x".repeat(20_000 + random.nextInt(60_000)) : value()));
        }
        if (depth > 1) {
            // Deep nesting is one chain; only the last few levels branch, so a stanza stays far below MAX_BYTES.
            int children = depth > 4 ? 1 : 1 + random.nextInt(3);
            for (int i = 0; i < children && b.length() < MAX_BYTES; i++) {
                element(b, depth - 1, ns);
            }
        }
        b.append("</").append(name).append('>');
    }

    private String value() {
        return switch (random.nextInt(4)) {
            case 0 -> Long.toString(random.nextLong());
            case 1 -> Double.toString(random.nextGaussian() * Math.pow(10, random.nextInt(600) - 300));
            default -> pick(ABSURD);
        };
    }

    private String text() {
        StringBuilder t = new StringBuilder();
        for (int i = random.nextInt(200); i > 0; i--) {
            t.append(pick(ABSURD)).append(' ');
        }
        return t.toString();
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    /** XML-escapes text for content or a single-quoted attribute. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;").replace("\"", "&quot;");
    }
}
