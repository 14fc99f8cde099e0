package org.xmppiot.drivers.modbus;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.Duration;

import org.xmppiot.core.model.Channel;
import org.xmppiot.core.model.FieldValue;

/**
 * One field of a thing's register map: where its value lies (table, address, type, byte and word order, bit)
 * and how the raw value becomes a measurement ({@code raw * scale + offset}, with a unit and decimals). Decodes
 * what a read returned and encodes what a command sets.
 *
 * @param wordsSwapped the low word comes first (word order little), for values of two or four registers
 * @param bytesSwapped the low byte of each register comes first (byte order little)
 * @param min, max     the range a command may set, in the field's unit; null for no limit of the user's
 */
record RegisterField(String name, RegisterTable table, int address, ValueType type, int bit, boolean wordsSwapped,
                     boolean bytesSwapped, BigDecimal scale, BigDecimal offset, String unit, int decimals,
                     boolean writable, BigDecimal min, BigDecimal max, Duration pollInterval) {

    /** Registers (or bits) the field occupies. */
    int length() {
        return type.registers();
    }

    int lastAddress() {
        return address + length() - 1;
    }

    /** "holding registers 10-11". */
    String where() {
        String at = table.describe(address, length());
        return type == ValueType.BIT ? at + " bit " + bit : at;
    }

    /** The value of this field in a block read from {@code first}: registers as 0..65535, or bits. */
    FieldValue decode(int[] words, boolean[] bits, int first) {
        int at = address - first;
        if (type == ValueType.BOOLEAN) {
            return new FieldValue.BooleanValue(bits[at]);
        }
        if (type == ValueType.BIT) {
            return new FieldValue.BooleanValue(((words[at] >> bit) & 1) == 1);
        }
        ByteBuffer bytes = ByteBuffer.allocate(2 * length());
        for (int i = 0; i < length(); i++) {
            int word = words[at + (wordsSwapped ? length() - 1 - i : i)];
            bytes.putShort((short) (bytesSwapped ? Integer.reverseBytes(word) >>> 16 : word));
        }
        bytes.flip();
        BigDecimal raw = switch (type) {
            case INT16 -> BigDecimal.valueOf(bytes.getShort());
            case UINT16 -> BigDecimal.valueOf(bytes.getShort() & 0xFFFF);
            case INT32 -> BigDecimal.valueOf(bytes.getInt());
            case UINT32 -> BigDecimal.valueOf(bytes.getInt() & 0xFFFF_FFFFL);
            case INT64 -> BigDecimal.valueOf(bytes.getLong());
            case FLOAT32 -> finite(bytes.getFloat());
            case FLOAT64 -> finite(bytes.getDouble());
            default -> throw new IllegalStateException(type.toString());
        };
        if (raw == null) {
            return null;
        }
        return new FieldValue.NumericValue(raw.multiply(scale).add(offset).setScale(decimals, RoundingMode.HALF_UP), unit);
    }

    /** NaN and infinities are what meters send for "no value"; they have no decimal form. */
    private static BigDecimal finite(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : new BigDecimal(Double.toString(v));
    }

    /**
     * The registers that hold {@code value} (in the field's unit), in the device's order; the range was checked
     * against {@link #channel()} before. Throws when the value does not fit the register type after scaling.
     */
    int[] encode(BigDecimal value) {
        BigDecimal raw = value.subtract(offset).divide(scale, 12, RoundingMode.HALF_UP);
        ByteBuffer bytes = ByteBuffer.allocate(2 * length());
        if (type.integral()) {
            BigInteger whole = raw.setScale(0, RoundingMode.HALF_UP).toBigIntegerExact();
            if (whole.compareTo(type.min().toBigInteger()) < 0 || whole.compareTo(type.max().toBigInteger()) > 0) {
                throw new IllegalArgumentException(value.toPlainString() + " does not fit a " + type.key() + " register");
            }
            long v = whole.longValue();
            switch (length()) {
                case 1 -> bytes.putShort((short) v);
                case 2 -> bytes.putInt((int) v);
                default -> bytes.putLong(v);
            }
        } else if (type == ValueType.FLOAT32) {
            bytes.putFloat(raw.floatValue());
        } else {
            bytes.putDouble(raw.doubleValue());
        }
        bytes.flip();
        int[] words = new int[length()];
        for (int i = 0; i < length(); i++) {
            int word = bytes.getShort() & 0xFFFF;
            words[wordsSwapped ? length() - 1 - i : i] = bytesSwapped ? Integer.reverseBytes(word) >>> 16 : word;
        }
        return words;
    }

    /** What the thing declares for this field; a writable number may be set within its range. */
    Channel channel() {
        if (!type.numeric()) {
            Channel c = Channel.bool(name);
            return writable ? c.settable() : c;
        }
        Channel c = Channel.number(name, unit, decimals);
        if (!writable) {
            return c;
        }
        BigDecimal low = min;
        BigDecimal high = max;
        if (type.integral()) {
            BigDecimal a = type.min().multiply(scale).add(offset);
            BigDecimal b = type.max().multiply(scale).add(offset);
            BigDecimal typeLow = a.min(b);
            BigDecimal typeHigh = a.max(b);
            low = low == null ? typeLow : low.max(typeLow);
            high = high == null ? typeHigh : high.min(typeHigh);
        }
        return c.settable(low, high);
    }
}
