package org.xmppiot.drivers.ble;

import java.math.BigDecimal;
import java.math.RoundingMode;

import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;

/** Builds decoded fields: a raw integer times a factor, kept with the factor's decimals. */
final class Fields {

    private Fields() {
    }

    static Field number(String name, long raw, String factor, String unit) {
        BigDecimal f = new BigDecimal(factor);
        return Field.readout(name, new FieldValue.NumericValue(BigDecimal.valueOf(raw).multiply(f).setScale(Math.max(0, f.scale()), RoundingMode.UNNECESSARY), unit));
    }

    static Field flag(String name, boolean on) {
        return Field.readout(name, new FieldValue.BooleanValue(on));
    }

    static int u8(byte[] b, int at) {
        return b[at] & 0xFF;
    }

    static int u16le(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    static int s16le(byte[] b, int at) {
        return (short) u16le(b, at);
    }

    static int u16be(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    static int s16be(byte[] b, int at) {
        return (short) u16be(b, at);
    }

    static long unsignedLe(byte[] b, int at, int length) {
        long v = 0;
        for (int i = length - 1; i >= 0; i--) {
            v = v << 8 | (b[at + i] & 0xFF);
        }
        return v;
    }

    static long signedLe(byte[] b, int at, int length) {
        long v = unsignedLe(b, at, length);
        int bits = 8 * length;
        return bits == 64 ? v : (v << (64 - bits)) >> (64 - bits);
    }
}
