package org.xmppiot.drivers.i2c;

/**
 * The trimming parameters each BME280 carries in its memory (datasheet 4.2.2): read once, they turn
 * its raw readings into °C, Pa and %RH.
 */
record Bme280Calibration(int t1, int t2, int t3, int p1, int p2, int p3, int p4, int p5, int p6, int p7, int p8, int p9,
                         int h1, int h2, int h3, int h4, int h5, int h6) {

    /** A BMP280 has no humidity: its humidity parameters are all zero and unused. */
    static final int NO_HUMIDITY = Integer.MIN_VALUE;

    /**
     * From registers 0x88..0xA1 ({@code tp}, 26 bytes) and 0xE1..0xE7 ({@code h}, 7 bytes, or null
     * for a BMP280). Little-endian words; H4 and H5 are 12-bit values sharing register 0xE5.
     */
    static Bme280Calibration parse(byte[] tp, byte[] h) {
        int h1 = h == null ? NO_HUMIDITY : u8(tp, 25);
        if (h == null) {
            return new Bme280Calibration(u16(tp, 0), s16(tp, 2), s16(tp, 4), u16(tp, 6), s16(tp, 8), s16(tp, 10), s16(tp, 12),
                    s16(tp, 14), s16(tp, 16), s16(tp, 18), s16(tp, 20), s16(tp, 22), h1, 0, 0, 0, 0, 0);
        }
        int h4 = (h[3] << 4) | (h[4] & 0x0F);          // Signed: E4 is the high byte.
        int h5 = (h[5] << 4) | ((h[4] & 0xFF) >> 4);   // Signed: E6 is the high byte.
        return new Bme280Calibration(u16(tp, 0), s16(tp, 2), s16(tp, 4), u16(tp, 6), s16(tp, 8), s16(tp, 10), s16(tp, 12),
                s16(tp, 14), s16(tp, 16), s16(tp, 18), s16(tp, 20), s16(tp, 22), h1, s16(h, 0), u8(h, 2), h4, h5, h[6]);
    }

    boolean hasHumidity() {
        return h1 != NO_HUMIDITY;
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
    }

    private static int s16(byte[] b, int i) {
        return (short) u16(b, i);
    }
}
