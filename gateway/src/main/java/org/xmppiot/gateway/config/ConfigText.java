package org.xmppiot.gateway.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.config.YamlConfigReader;

/**
 * Small edits of a configuration file's text that keep everything else as the user wrote it (comments too): the
 * account's {@code xmpp.jid}, and one more owner in {@code access}. Used where the gateway itself writes its
 * configuration: joining a server by invite, and the owner who used the owner's invite.
 */
public final class ConfigText {

    private ConfigText() {
    }

    /** {@code yaml} with {@code xmpp.jid} set to {@code jid} (the section and key are added when missing). */
    public static String withAccount(String yaml, String jid) {
        List<String> lines = lines(yaml);
        int[] block = block(lines, "xmpp");
        if (block == null) {
            lines.add("xmpp:");
            lines.add("  jid: " + jid);
            return text(lines);
        }
        for (int i = block[0] + 1; i < block[1]; i++) {
            String line = lines.get(i);
            String trimmed = line.stripLeading();
            if (trimmed.startsWith("jid:") && indent(line) == childIndent(lines, block)) {
                int comment = trimmed.indexOf(" #");
                String rest = comment < 0 ? "" : "   " + trimmed.substring(comment + 1);
                lines.set(i, " ".repeat(indent(line)) + "jid: " + jid + rest);
                return text(lines);
            }
        }
        lines.add(block[0] + 1, " ".repeat(childIndent(lines, block)) + "jid: " + jid);
        return text(lines);
    }

    /**
     * {@code yaml} with {@code jid} among {@code access.owners} (and no longer among the readers); the access section is
     * rewritten but for its {@code things} (kept as written, comments too), the rest kept. Unchanged when {@code jid} is
     * an owner already.
     */
    public static String withOwner(String yaml, String jid) throws ConfigException {
        ConfigNode access = YamlConfigReader.read("the configuration", yaml).section("access");
        List<String> owners = new ArrayList<>(access.stringList("owners"));
        List<String> readers = new ArrayList<>(access.stringList("readers"));
        String wanted = jid.toLowerCase(Locale.ROOT);
        if (owners.stream().anyMatch(o -> o.toLowerCase(Locale.ROOT).equals(wanted))) {
            return yaml;
        }
        owners.add(jid);
        readers.removeIf(r -> r.toLowerCase(Locale.ROOT).equals(wanted));
        return withSection(yaml, "access", "access:\n"
                + "  owners: " + flow(owners) + "   # JIDs that may read and control\n"
                + "  readers: " + flow(readers) + "   # JIDs that may read\n"
                + childText(yaml, "access", "things"));
    }

    /** The lines of {@code child} under top-level {@code key} as written, re-indented by two; empty when there is none. */
    private static String childText(String yaml, String key, String child) {
        List<String> lines = lines(yaml);
        int[] block = block(lines, key);
        if (block == null) {
            return "";
        }
        int keys = childIndent(lines, block);
        StringBuilder out = new StringBuilder();
        boolean inside = false;
        for (int i = block[0] + 1; i < block[1]; i++) {
            String line = lines.get(i);
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#") && indent(line) <= keys) {
                inside = t.startsWith(child + ":");
            }
            if (inside) {
                out.append("  ").append(line.length() >= keys ? line.substring(Math.min(keys, indent(line))) : line.strip()).append('\n');
            }
        }
        return out.toString();
    }

    private static String flow(List<String> items) {
        return items.isEmpty() ? "[]" : "[ " + String.join(", ", items) + " ]";
    }

    /** {@code yaml} with top-level section {@code key} replaced by {@code section} (its whole text), or added at the end. */
    public static String withSection(String yaml, String key, String section) {
        List<String> lines = lines(yaml);
        int[] block = block(lines, key);
        List<String> replacement = lines(section);
        if (block == null) {
            lines.addAll(replacement);
        } else {
            lines.subList(block[0], block[1]).clear();
            lines.addAll(block[0], replacement);
        }
        return text(lines);
    }

    private static List<String> lines(String yaml) {
        List<String> lines = new ArrayList<>(List.of(yaml.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    private static String text(List<String> lines) {
        return String.join("\n", lines) + "\n";
    }

    /** The lines of top-level section {@code key}: from its key line to before the next top-level key (trailing blank and comment lines excluded). */
    private static int[] block(List<String> lines, String key) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(key + ":")) {
                int end = i + 1;
                int lastContent = i + 1;
                while (end < lines.size() && !topLevelKey(lines.get(end))) {
                    String t = lines.get(end).strip();
                    if (!t.isEmpty() && !(t.startsWith("#") && indent(lines.get(end)) == 0)) {
                        lastContent = end + 1;
                    }
                    end++;
                }
                return new int[] {i, lastContent};
            }
        }
        return null;
    }

    private static boolean topLevelKey(String line) {
        return !line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("#") && line.indexOf(':') > 0;
    }

    private static int indent(String line) {
        return line.length() - line.stripLeading().length();
    }

    /** The indentation of the section's keys (two spaces when it has none yet). */
    private static int childIndent(List<String> lines, int[] block) {
        for (int i = block[0] + 1; i < block[1]; i++) {
            String t = lines.get(i).strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                return indent(lines.get(i));
            }
        }
        return 2;
    }
}
