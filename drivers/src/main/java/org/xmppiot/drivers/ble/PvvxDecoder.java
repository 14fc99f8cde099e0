package org.xmppiot.drivers.ble;

import java.util.List;

/**
 * The open firmware of Xiaomi LYWSD03MMC and similar thermometers (ATC_MiThermometer by atc1441 and pvvx), service
 * data of UUID 0x181A: pvvx's custom format (15 bytes little-endian: MAC low byte first, temperature in 0.01 °C,
 * humidity in 0.01 %, battery mV, battery %, counter, flags) and atc1441's (13 bytes big-endian: MAC, temperature in
 * 0.1 °C, humidity %, battery %, battery mV, counter). Told apart by length, as the firmware documents.
 */
final class PvvxDecoder {

    static final int SERVICE = 0x181A;

    private PvvxDecoder() {
    }

    static Decoded decode(byte[] d) throws AdvertisementRejected {
        if (d.length == 15) {
            return new Decoded("pvvx", List.of(
                    Fields.number("temperature", Fields.s16le(d, 6), "0.01", "°C"),
                    Fields.number("humidity", Fields.u16le(d, 8), "0.01", "%"),
                    Fields.number("battery-voltage", Fields.u16le(d, 10), "0.001", "V"),
                    Fields.number("battery", Fields.u8(d, 12), "1", "%"),
                    Fields.flag("contact", (d[14] & 1) != 0)), (long) Fields.u8(d, 13));
        }
        if (d.length == 13) {
            return new Decoded("atc1441", List.of(
                    Fields.number("temperature", Fields.s16be(d, 6), "0.1", "°C"),
                    Fields.number("humidity", Fields.u8(d, 8), "1", "%"),
                    Fields.number("battery", Fields.u8(d, 9), "1", "%"),
                    Fields.number("battery-voltage", Fields.u16be(d, 10), "0.001", "V")), (long) Fields.u8(d, 12));
        }
        throw new AdvertisementRejected(d.length < 13 ? "truncated" : "malformed",
                "ATC/pvvx service data is 13 (atc1441) or 15 (pvvx) bytes, got " + d.length);
    }
}
