package org.xmppiot.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node of a parsed configuration file that remembers where it stood (file, line, column) and its
 * key path, so every typed getter can fail with a message naming the place and what is allowed.
 */
public final class ConfigNode {

    /** What a node holds. */
    public enum Kind { MAP, LIST, SCALAR, NULL, ABSENT }

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");
    private static final Pattern BYTE_SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(B|kB|KB|KiB|MB|MiB|GB|GiB)");

    private final Kind kind;
    private final String file;
    private final int line;
    private final int column;
    private final String path;
    private final String text;
    private final boolean isBoolean;
    private final Map<String, ConfigNode> entries;
    private final List<ConfigNode> items;

    private ConfigNode(Kind kind, String file, int line, int column, String path, String text, boolean isBoolean,
                       Map<String, ConfigNode> entries, List<ConfigNode> items) {
        this.kind = kind;
        this.file = file;
        this.line = line;
        this.column = column;
        this.path = path;
        this.text = text;
        this.isBoolean = isBoolean;
        this.entries = entries;
        this.items = items;
    }

    static ConfigNode map(String file, int line, int column, String path, Map<String, ConfigNode> entries) {
        return new ConfigNode(Kind.MAP, file, line, column, path, null, false, Collections.unmodifiableMap(entries), List.of());
    }

    static ConfigNode list(String file, int line, int column, String path, List<ConfigNode> items) {
        return new ConfigNode(Kind.LIST, file, line, column, path, null, false, Map.of(), List.copyOf(items));
    }

    static ConfigNode scalar(String file, int line, int column, String path, String text, boolean isBoolean) {
        return new ConfigNode(Kind.SCALAR, file, line, column, path, text, isBoolean, Map.of(), List.of());
    }

    static ConfigNode nullValue(String file, int line, int column, String path) {
        return new ConfigNode(Kind.NULL, file, line, column, path, null, false, Map.of(), List.of());
    }

    /**
     * Whether {@code other} says the same thing: same kinds, keys and values all the way down, wherever
     * in which file they were written. A reloaded configuration compares its sections this way.
     */
    public boolean sameContent(ConfigNode other) {
        if (other == null || kind != other.kind || isBoolean != other.isBoolean || !java.util.Objects.equals(text, other.text)
                || !entries.keySet().equals(other.entries.keySet()) || items.size() != other.items.size()) {
            return false;
        }
        for (Map.Entry<String, ConfigNode> e : entries.entrySet()) {
            if (!e.getValue().sameContent(other.entries.get(e.getKey()))) {
                return false;
            }
        }
        for (int i = 0; i < items.size(); i++) {
            if (!items.get(i).sameContent(other.items.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** An empty map standing for a file or section that is not there at all. */
    public static ConfigNode emptyMap(String file, String path) {
        return new ConfigNode(Kind.MAP, file, 0, 0, path, null, false, Map.of(), List.of());
    }

    /** The same node, placed at another line and column (a value is reported where its key stands). */
    ConfigNode at(int newLine, int newColumn) {
        return new ConfigNode(kind, file, newLine, newColumn, path, text, isBoolean, entries, items);
    }

    private ConfigNode absentChild(String key) {
        return new ConfigNode(Kind.ABSENT, file, line, column, childPath(key), null, false, Map.of(), List.of());
    }

    private String childPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public Kind kind() {
        return kind;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String path() {
        return path;
    }

    public boolean isPresent() {
        return kind != Kind.ABSENT && kind != Kind.NULL;
    }

    /** A config error located at this node. */
    public ConfigException error(String problem) {
        return new ConfigException(file, line, column, path, problem);
    }

    // ---- maps ----

    public boolean has(String key) {
        return requireMapQuietly().containsKey(key) && entries.get(key).isPresent();
    }

    private Map<String, ConfigNode> requireMapQuietly() {
        return kind == Kind.MAP ? entries : Map.of();
    }

    /** The child under {@code key}; an absent node (never null) when there is none. */
    public ConfigNode get(String key) {
        ConfigNode child = requireMapQuietly().get(key);
        return child == null ? absentChild(key) : child;
    }

    public Set<String> keys() {
        return entries.keySet();
    }

    /** The child under {@code key}, which must be a map; an empty map when it is not there. */
    public ConfigNode section(String key) throws ConfigException {
        ConfigNode child = get(key);
        if (!child.isPresent()) {
            return emptyMap(file, child.path);
        }
        if (child.kind != Kind.MAP) {
            throw child.error("expected a section of keys (key: value lines), found " + child.describe());
        }
        return child;
    }

    /** Fails on the first key not in {@code allowed}, suggesting the closest allowed key. */
    public void expectOnlyKeys(Collection<String> allowed) throws ConfigException {
        if (kind != Kind.MAP) {
            return;
        }
        for (Map.Entry<String, ConfigNode> e : entries.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                String suggestion = closest(e.getKey(), allowed);
                throw e.getValue().keyError("unknown key '" + e.getKey() + "'"
                        + (suggestion == null ? "" : " (did you mean '" + suggestion + "'?)")
                        + "; allowed here: " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
    }

    private ConfigException keyError(String problem) {
        return new ConfigException(file, line, column, path, problem);
    }

    // ---- lists ----

    /** The items of the list under {@code key}; empty when the key is not there. */
    public List<ConfigNode> list(String key) throws ConfigException {
        ConfigNode child = get(key);
        if (!child.isPresent()) {
            return List.of();
        }
        if (child.kind != Kind.LIST) {
            throw child.error("expected a list (lines starting with '- '), found " + child.describe());
        }
        return child.items;
    }

    /** The list under {@code key} read as strings. */
    public List<String> stringList(String key) throws ConfigException {
        List<String> out = new ArrayList<>();
        for (ConfigNode item : list(key)) {
            out.add(item.asString());
        }
        return out;
    }

    // ---- scalars ----

    public String asString() throws ConfigException {
        if (kind != Kind.SCALAR) {
            throw error("expected a single value, found " + describe());
        }
        return text;
    }

    /** A required text value. */
    public String string(String key) throws ConfigException {
        ConfigNode child = get(key);
        if (!child.isPresent()) {
            throw child.error("is required but missing");
        }
        String value = child.asString();
        if (value.isBlank()) {
            throw child.error("must not be empty");
        }
        return value;
    }

    public String string(String key, String defaultValue) throws ConfigException {
        return has(key) ? string(key) : defaultValue;
    }

    /** A text value that must be one of {@code allowed} (case-insensitive); returned in lower case. */
    public String choice(String key, String defaultValue, String... allowed) throws ConfigException {
        if (!has(key)) {
            return defaultValue;
        }
        String value = string(key).toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(value)) {
                return a;
            }
        }
        throw get(key).error("'" + get(key).text + "' is not allowed; use one of: " + String.join(", ", allowed));
    }

    public int integer(String key, int defaultValue, int min, int max) throws ConfigException {
        if (!has(key)) {
            return defaultValue;
        }
        ConfigNode child = get(key);
        long value;
        try {
            value = Long.parseLong(child.asString().trim());
        } catch (NumberFormatException e) {
            throw child.error("'" + child.text + "' is not a whole number; expected " + min + " to " + max);
        }
        if (value < min || value > max) {
            throw child.error(value + " is out of range; expected " + min + " to " + max);
        }
        return (int) value;
    }

    public double number(String key, double defaultValue) throws ConfigException {
        if (!has(key)) {
            return defaultValue;
        }
        ConfigNode child = get(key);
        try {
            double v = Double.parseDouble(child.asString().trim());
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw child.error("'" + child.text + "' is not a number");
        }
    }

    public boolean bool(String key, boolean defaultValue) throws ConfigException {
        if (!has(key)) {
            return defaultValue;
        }
        ConfigNode child = get(key);
        String v = child.asString();
        if (child.isBoolean) {
            return Boolean.parseBoolean(v);
        }
        throw child.error("'" + child.text + "' is not allowed; use true or false");
    }

    /**
     * A duration written as a number and a unit: {@code 250ms}, {@code 1s}, {@code 1.5s}, {@code 5m},
     * {@code 2h}, {@code 7d}; must lie between {@code min} and {@code max}.
     */
    public Duration duration(String key, Duration defaultValue, Duration min, Duration max) throws ConfigException {
        if (!has(key)) {
            return defaultValue;
        }
        ConfigNode child = get(key);
        Duration d = parseDuration(child.asString());
        if (d == null) {
            throw child.error("'" + child.text + "' is not a duration; write a number and a unit, "
                    + "e.g. 250ms, 1s, 5m, 2h, 7d");
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw child.error("'" + child.text + "' is out of range; expected " + human(min) + " to " + human(max));
        }
        return d;
    }

    /**
     * A duration as this file writes them ({@code 250ms}, {@code 1.5s}, {@code 5m}, {@code 2h},
     * {@code 7d}), or null if {@code text} is not one. Also what chat commands accept.
     */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        long unitMillis = switch (m.group(2)) {
            case "ms" -> 1L;
            case "s" -> 1_000L;
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            default -> 86_400_000L;
        };
        return Duration.ofMillis(Math.round(Double.parseDouble(m.group(1)) * unitMillis));
    }

    /**
     * A size in bytes written as a number and a unit: {@code 512kB}, {@code 64MB}, {@code 1.5GB}
     * (kB, MB, GB are powers of 1000; KiB, MiB, GiB of 1024); must lie between {@code min} and {@code max}.
     */
    public long byteSize(String key, long defaultValue, long min, long max) throws ConfigException {
        if (!has(key)) {
            return defaultValue;
        }
        ConfigNode child = get(key);
        Matcher m = BYTE_SIZE.matcher(child.asString().trim());
        if (!m.matches()) {
            throw child.error("'" + child.text + "' is not a size; write a number and a unit, e.g. 512kB, 64MB, 2GB");
        }
        long unit = switch (m.group(2)) {
            case "B" -> 1L;
            case "kB", "KB" -> 1_000L;
            case "KiB" -> 1L << 10;
            case "MB" -> 1_000_000L;
            case "MiB" -> 1L << 20;
            case "GB" -> 1_000_000_000L;
            default -> 1L << 30;
        };
        double bytes = Double.parseDouble(m.group(1)) * unit;
        if (bytes < min || bytes > max) {
            throw child.error("'" + child.text + "' is out of range; expected " + humanBytes(min) + " to " + humanBytes(max));
        }
        return (long) bytes;
    }

    private static String humanBytes(long bytes) {
        for (String[] unit : new String[][] {{"1000000000", "GB"}, {"1000000", "MB"}, {"1000", "kB"}}) {
            long size = Long.parseLong(unit[0]);
            if (bytes >= size && bytes % size == 0) {
                return bytes / size + unit[1];
            }
        }
        return bytes + "B";
    }

    private static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1_000L == 0) {
            return ms / 1_000L + "s";
        }
        return ms + "ms";
    }

    private String describe() {
        return switch (kind) {
            case MAP -> "a section of keys";
            case LIST -> "a list";
            case SCALAR -> "the value '" + text + "'";
            case NULL -> "an empty value";
            case ABSENT -> "nothing";
        };
    }

    private static String closest(String key, Collection<String> allowed) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String a : allowed) {
            int d = editDistance(key.toLowerCase(Locale.ROOT), a.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = a;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 3) ? best : null;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    static Map<String, ConfigNode> newEntries() {
        return new LinkedHashMap<>();
    }
}
