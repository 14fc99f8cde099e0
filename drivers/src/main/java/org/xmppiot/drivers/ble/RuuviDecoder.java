package org.xmppiot.drivers.ble;

import java.util.ArrayList;
import java.util.List;

import org.xmppiot.core.model.Field;

/**
 * RuuviTag data format 5 (RAWv2), manufacturer data of company 0x0499, 24 bytes big-endian (ruuvi-sensor-protocols,
 * dataformat_05.md). A value the tag marks "not available" (the largest unsigned or smallest signed value) is left
 * out; the measurement sequence number is the packet counter.
 */
final class RuuviDecoder {

    static final int COMPANY = 0x0499;

    private RuuviDecoder() {
    }

    static Decoded decode(byte[] d) throws AdvertisementRejected {
        if (d.length < 1 || d[0] != 5) {
            throw new AdvertisementRejected("unsupported", "Ruuvi data format " + (d.length == 0 ? "(empty)" : Integer.toString(d[0] & 0xFF))
                    + "; only format 5 (RAWv2) is read");
        }
        if (d.length < 24) {
            throw new AdvertisementRejected("truncated", "Ruuvi format 5 needs 24 bytes, got " + d.length);
        }
        List<Field> f = new ArrayList<>();
        int t = Fields.s16be(d, 1);
        if (t != Short.MIN_VALUE) {
            f.add(Fields.number("temperature", t, "0.005", "°C"));
        }
        int h = Fields.u16be(d, 3);
        if (h != 0xFFFF) {
            f.add(Fields.number("humidity", h, "0.0025", "%"));
        }
        int p = Fields.u16be(d, 5);
        if (p != 0xFFFF) {
            f.add(Fields.number("pressure", p + 50_000L, "0.01", "hPa"));
        }
        String[] axes = {"acceleration-x", "acceleration-y", "acceleration-z"};
        for (int i = 0; i < 3; i++) {
            int a = Fields.s16be(d, 7 + 2 * i);
            if (a != Short.MIN_VALUE) {
                f.add(Fields.number(axes[i], a, "0.001", "g"));
            }
        }
        int power = Fields.u16be(d, 13);
        int millivolts = power >>> 5;
        int tx = power & 0x1F;
        if (millivolts != 0x7FF) {
            f.add(Fields.number("battery", millivolts + 1600L, "0.001", "V"));
        }
        if (tx != 0x1F) {
            f.add(Fields.number("tx-power", tx * 2L - 40, "1", "dBm"));
        }
        int movement = Fields.u8(d, 15);
        if (movement != 0xFF) {
            f.add(Fields.number("movement-counter", movement, "1", ""));
        }
        int sequence = Fields.u16be(d, 16);
        return new Decoded("ruuvi-5", f, sequence == 0xFFFF ? null : (long) sequence);
    }
}
