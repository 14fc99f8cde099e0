package org.xmppiot.drivers.serial;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Set;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.spi.FramingSpec;

/**
 * Reads a thing's {@code framing:} section: text lines (the default) or binary packets found by
 * start bytes, with a fixed length or a length field, an optional trailer and checksum.
 * <pre>
 * framing:
 *   type: binary
 *   start: "42 4D"
 *   length-field: { offset: 2, size: 2, add: 4 }
 *   checksum: { type: sum, from: 0, size: 2 }
 * </pre>
 */
final class FramingConfig {

    private static final Set<String> LINE_KEYS = Set.of("type", "delimiter", "max-length");
    private static final Set<String> BINARY_KEYS = Set.of("type", "start", "length", "length-field", "trailer", "checksum", "max-length");
    private static final int LARGEST_PACKET = 65_536;

    private FramingConfig() {
    }

    static FramingSpec read(ConfigNode framing) throws ConfigException {
        String type = framing.choice("type", "line", "line", "binary");
        return type.equals("binary") ? binary(framing) : lines(framing);
    }

    private static FramingSpec lines(ConfigNode framing) throws ConfigException {
        framing.expectOnlyKeys(LINE_KEYS);
        String delimiter = framing.has("delimiter") ? framing.get("delimiter").asString() : "\n";
        if (delimiter.isEmpty()) {
            throw framing.get("delimiter").error("must not be empty");
        }
        int maxLength = framing.integer("max-length", 1024, 1, 1_048_576);
        return new FramingSpec.Lines(delimiter.getBytes(StandardCharsets.UTF_8), maxLength);
    }

    private static FramingSpec binary(ConfigNode framing) throws ConfigException {
        framing.expectOnlyKeys(BINARY_KEYS);
        byte[] start = hex(framing, "start");
        byte[] trailer = framing.has("trailer") ? hex(framing, "trailer") : new byte[0];
        boolean fixed = framing.has("length");
        if (fixed == framing.has("length-field")) {
            throw framing.error("a binary framing needs either length (every packet the same size, start bytes included) "
                    + "or length-field (where the packet says its size), not " + (fixed ? "both" : "neither"));
        }
        int length = framing.integer("length", 0, start.length + trailer.length + 1, LARGEST_PACKET);
        int offset = 0;
        int size = 0;
        int add = 0;
        if (!fixed) {
            ConfigNode field = framing.section("length-field");
            field.expectOnlyKeys(Set.of("offset", "size", "add"));
            offset = field.integer("offset", start.length, 0, 64);
            size = field.integer("size", 1, 1, 2);
            add = field.integer("add", 0, -64, 1024);
        }
        int maxLength = framing.integer("max-length", fixed ? length : 256, 1, LARGEST_PACKET);
        if (fixed && maxLength < length) {
            throw framing.get("max-length").error("is smaller than length " + length);
        }
        FramingSpec.Checksum checksum = framing.has("checksum") ? checksum(framing.section("checksum")) : null;
        return new FramingSpec.Binary(start, fixed ? length : 0, offset, size, add, maxLength, trailer, checksum);
    }

    private static FramingSpec.Checksum checksum(ConfigNode section) throws ConfigException {
        section.expectOnlyKeys(Set.of("type", "from", "size", "from-end"));
        FramingSpec.Checksum.Kind kind = section.choice("type", "sum", "sum", "negated-sum").equals("sum")
                ? FramingSpec.Checksum.Kind.SUM : FramingSpec.Checksum.Kind.NEGATED_SUM;
        int size = section.integer("size", 1, 1, 2);
        int from = section.integer("from", 0, 0, LARGEST_PACKET);
        int fromEnd = section.integer("from-end", size, size, LARGEST_PACKET);
        return new FramingSpec.Checksum(kind, from, fromEnd, size);
    }

    /** Bytes written as hex pairs, with or without spaces: {@code "42 4D"}, {@code "424d"}. */
    static byte[] hex(ConfigNode parent, String key) throws ConfigException {
        String text = parent.string(key).replace(" ", "").replace(":", "");
        try {
            byte[] bytes = HexFormat.of().parseHex(text);
            if (bytes.length == 0) {
                throw new IllegalArgumentException();
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw parent.get(key).error("'" + parent.string(key) + "' is not bytes in hex; write pairs of hex digits, e.g. \"42 4D\"");
        }
    }
}
