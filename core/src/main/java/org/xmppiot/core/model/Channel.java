package org.xmppiot.core.model;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A field a thing declares before its first reading: what it is called, what kind of value it carries
 * and in what unit, and whether (and within what range) it may be set. Commands are checked against it
 * before any hardware is touched.
 */
public record Channel(String name, Type type, String unit, int decimals, boolean writable, BigDecimal min, BigDecimal max) {

    public enum Type { NUMBER, INTEGER, BOOLEAN, TEXT }

    public Channel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        unit = unit == null ? "" : unit;
    }

    /** A measured number, read only. */
    public static Channel number(String name, String unit, int decimals) {
        return new Channel(name, Type.NUMBER, unit, decimals, false, null, null);
    }

    public static Channel integer(String name, String unit) {
        return new Channel(name, Type.INTEGER, unit, 0, false, null, null);
    }

    /** A read-only on/off value, such as a contact. */
    public static Channel bool(String name) {
        return new Channel(name, Type.BOOLEAN, "", 0, false, null, null);
    }

    /** The same channel, settable by command within {@code min}..{@code max} (either may be null). */
    public Channel settable(BigDecimal min, BigDecimal max) {
        return new Channel(name, type, unit, decimals, true, min, max);
    }

    public Channel settable() {
        return settable(null, null);
    }

    /** Null when {@code value} may be set on this channel of {@code thingId}, otherwise why not, in words for the sender. */
    public String refusal(String thingId, FieldValue value) {
        String name = "'" + this.name + "' of " + thingId;
        if (!writable) {
            return name + " can only be read";
        }
        BigDecimal number = number(value);
        if (type == Type.BOOLEAN) {
            return isOnOff(value, number) ? null : name + " is on or off (true/false, 1/0), not " + text(value);
        }
        if ((type == Type.NUMBER || type == Type.INTEGER) && number == null) {
            return name + " takes a number, not " + text(value);
        }
        if (number != null && ((min != null && number.compareTo(min) < 0) || (max != null && number.compareTo(max) > 0))) {
            return name + " takes " + range() + ", not " + number.toPlainString();
        }
        return null;
    }

    /** The value as a number, or null; chat and forms send text, so text that reads as a number counts. */
    public static BigDecimal number(FieldValue value) {
        if (value instanceof FieldValue.NumericValue n) {
            return n.value();
        }
        if (value instanceof FieldValue.IntegerValue i) {
            return BigDecimal.valueOf(i.value());
        }
        if (value instanceof FieldValue.StringValue s) {
            try {
                return new BigDecimal(s.value().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static boolean isOnOff(FieldValue value, BigDecimal number) {
        if (value instanceof FieldValue.BooleanValue) {
            return true;
        }
        if (number != null) {
            return number.compareTo(BigDecimal.ZERO) == 0 || number.compareTo(BigDecimal.ONE) == 0;
        }
        return value instanceof FieldValue.StringValue s
                && java.util.Set.of("on", "off", "true", "false").contains(s.value().trim().toLowerCase(java.util.Locale.ROOT));
    }

    private static String text(FieldValue value) {
        return value instanceof FieldValue.StringValue s ? "'" + s.value() + "'"
                : value instanceof FieldValue.BooleanValue b ? Boolean.toString(b.value()) : value.toString();
    }

    /** What a command may set this channel to, in words ("on or off", "5 to 30 °C", "a number in °C", "text"). */
    public String takes() {
        String u = unit.isEmpty() ? "" : " " + unit;
        return switch (type) {
            case BOOLEAN -> "on or off";
            case TEXT -> "text";
            default -> min != null || max != null ? range() : (type == Type.INTEGER ? "a whole number" : "a number") + (u.isEmpty() ? "" : " in" + u);
        };
    }

    private String range() {
        String u = unit.isEmpty() ? "" : " " + unit;
        if (min != null && max != null) {
            return min.toPlainString() + " to " + max.toPlainString() + u;
        }
        return min != null ? "at least " + min.toPlainString() + u : "at most " + max.toPlainString() + u;
    }
}
