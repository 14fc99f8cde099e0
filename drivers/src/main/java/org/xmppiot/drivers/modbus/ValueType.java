package org.xmppiot.drivers.modbus;

import java.math.BigDecimal;
import java.util.Locale;

/** How the registers of one field hold its value. */
enum ValueType {
    INT16(1, true, -0x8000L, 0x7FFFL),
    UINT16(1, true, 0, 0xFFFFL),
    INT32(2, true, Integer.MIN_VALUE, Integer.MAX_VALUE),
    UINT32(2, true, 0, 0xFFFF_FFFFL),
    INT64(4, true, Long.MIN_VALUE, Long.MAX_VALUE),
    FLOAT32(2, false, 0, 0),
    FLOAT64(4, false, 0, 0),
    /** A coil or discrete input. */
    BOOLEAN(1, false, 0, 1),
    /** One bit of a holding or input register ({@code bit: 0..15}). */
    BIT(1, false, 0, 1);

    private final int registers;
    private final boolean integral;
    private final long min;
    private final long max;

    ValueType(int registers, boolean integral, long min, long max) {
        this.registers = registers;
        this.integral = integral;
        this.min = min;
        this.max = max;
    }

    /** How many registers (or bits, for a boolean) the value takes. */
    int registers() {
        return registers;
    }

    boolean integral() {
        return integral;
    }

    boolean numeric() {
        return this != BOOLEAN && this != BIT;
    }

    BigDecimal min() {
        return BigDecimal.valueOf(min);
    }

    BigDecimal max() {
        return BigDecimal.valueOf(max);
    }

    String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    static String[] keys() {
        ValueType[] all = values();
        String[] out = new String[all.length];
        for (int i = 0; i < all.length; i++) {
            out[i] = all[i].key();
        }
        return out;
    }

    static ValueType of(String key) {
        return valueOf(key.toUpperCase(Locale.ROOT));
    }
}
