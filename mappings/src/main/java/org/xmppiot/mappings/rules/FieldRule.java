package org.xmppiot.mappings.rules;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.spi.FrameRejectedException;

/**
 * How one raw value from a frame becomes a typed field: its name, type, unit, and for numbers
 * {@code value * scale + offset}, rounded to {@code decimals} when given.
 */
public record FieldRule(String name, String type, String unit, BigDecimal scale, BigDecimal offset, Integer decimals,
                        boolean optional) {

    /** The keys every field rule has; each mapping type adds the key that says where the value is. */
    public static final Set<String> KEYS = Set.of("name", "type", "unit", "scale", "offset", "decimals", "optional");

    private static final Set<String> TRUE = Set.of("1", "true", "on", "yes", "high");
    private static final Set<String> FALSE = Set.of("0", "false", "off", "no", "low");

    /** Reads a rule from a {@code fields:} item that may also hold {@code sourceKeys}. */
    public static FieldRule read(ConfigNode f, Set<String> sourceKeys) throws ConfigException {
        if (f.kind() != ConfigNode.Kind.MAP) {
            throw f.error("each field must be a section with at least a name");
        }
        Set<String> allowed = new HashSet<>(KEYS);
        allowed.addAll(sourceKeys);
        f.expectOnlyKeys(allowed);
        String type = f.choice("type", "numeric", "numeric", "integer", "boolean", "string");
        String unit = f.string("unit", "");
        if (!unit.isEmpty() && !type.equals("numeric")) {
            throw f.get("unit").error("only numeric fields have a unit; this field is " + type);
        }
        boolean arithmetic = f.has("scale") || f.has("offset") || f.has("decimals");
        if (arithmetic && !(type.equals("numeric") || type.equals("integer"))) {
            throw f.error("scale, offset and decimals apply to numeric and integer fields only");
        }
        BigDecimal scale = decimal(f, "scale", BigDecimal.ONE);
        BigDecimal offset = decimal(f, "offset", BigDecimal.ZERO);
        Integer decimals = f.has("decimals") ? f.integer("decimals", 0, 0, 12) : null;
        return new FieldRule(f.string("name"), type, unit, scale, offset, decimals, f.bool("optional", false));
    }

    private static BigDecimal decimal(ConfigNode f, String key, BigDecimal defaultValue) throws ConfigException {
        if (!f.has(key)) {
            return defaultValue;
        }
        try {
            return new BigDecimal(f.get(key).asString().trim());
        } catch (NumberFormatException e) {
            throw f.get(key).error("'" + f.get(key).asString() + "' is not a number");
        }
    }

    /** The field for one raw text value. */
    public Field apply(String raw) throws FrameRejectedException {
        String text = raw.trim();
        return switch (type) {
            case "boolean" -> Field.readout(name, bool(text));
            case "string" -> Field.readout(name, new FieldValue.StringValue(text));
            default -> apply(number(text));
        };
    }

    /** The field for a value that is already a number, as binary decoders and JSON give it. */
    public Field apply(BigDecimal value) throws FrameRejectedException {
        if (type.equals("boolean") || type.equals("string")) {
            return apply(value.toPlainString());
        }
        BigDecimal v = scaled(value);
        if (type.equals("numeric")) {
            return Field.readout(name, new FieldValue.NumericValue(v, unit));
        }
        try {
            return Field.readout(name, new FieldValue.IntegerValue(v.setScale(0, RoundingMode.HALF_UP).longValueExact()));
        } catch (ArithmeticException e) {
            throw new FrameRejectedException("bad-number", "field '" + name + "': " + shorten(v.toPlainString()) + " is out of range");
        }
    }

    private FieldValue bool(String text) throws FrameRejectedException {
        String t = text.toLowerCase(Locale.ROOT);
        if (TRUE.contains(t)) {
            return new FieldValue.BooleanValue(true);
        }
        if (FALSE.contains(t)) {
            return new FieldValue.BooleanValue(false);
        }
        throw new FrameRejectedException("bad-boolean", "field '" + name + "': '" + text + "' is not on/off, true/false or 1/0");
    }

    private BigDecimal number(String text) throws FrameRejectedException {
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new FrameRejectedException("bad-number", "field '" + name + "': '" + shorten(text) + "' is not a number");
        }
    }

    private BigDecimal scaled(BigDecimal v) {
        // Most fields are neither scaled nor offset; times 1 plus 0 gives the same number and scale when v's scale is not
        // negative, so it is skipped (two numbers a field less on every reading).
        boolean asIs = v.scale() >= 0 && scale.equals(BigDecimal.ONE) && offset.equals(BigDecimal.ZERO);
        BigDecimal r = asIs ? v : v.multiply(scale).add(offset);
        return decimals == null ? r : r.setScale(decimals, RoundingMode.HALF_UP);
    }

    static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
