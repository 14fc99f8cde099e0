package org.xmppiot.drivers.ble;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.xmppiot.core.testing.RecordingSink;

/** What the BLE driver does with the advertisements it is handed, apart from D-Bus: counters, repeats, replays. */
class BleDriverUnitTest {

    private static final String MAC = "54:48:E6:8F:80:A5";
    private static final byte[] KEY = HexFormat.of().parseHex("231d39c1d7cc1ab1aee224cd096db932");

    /** Encrypted BTHome service data of {@code objectsHex} with {@code counter}, as the sensor would send it. */
    private static byte[] packet(long counter, String objectsHex) throws Exception {
        byte[] count = {(byte) counter, (byte) (counter >> 8), (byte) (counter >> 16), (byte) (counter >> 24)};
        byte[] nonce = new byte[13];
        System.arraycopy(BtHomeDecoder.macBytes(MAC), 0, nonce, 0, 6);
        nonce[6] = (byte) 0xD2;
        nonce[7] = (byte) 0xFC;
        nonce[8] = 0x41;
        System.arraycopy(count, 0, nonce, 9, 4);
        byte[] sealed = AesCcm.encrypt(KEY, nonce, HexFormat.of().parseHex(objectsHex));
        byte[] out = new byte[1 + sealed.length + 4];
        out[0] = 0x41;
        System.arraycopy(sealed, 0, out, 1, sealed.length - 4);
        System.arraycopy(count, 0, out, 1 + sealed.length - 4, 4);
        System.arraycopy(sealed, sealed.length - 4, out, out.length - 4, 4);
        return out;
    }

    private static Advertisement ad(byte[] serviceData) {
        return new Advertisement(MAC, -60, Map.of(BtHomeDecoder.SERVICE, serviceData), Map.of());
    }

    @Test
    void encryptionMatchesTheSpecificationsVector() throws Exception {
        // The packet bthome-ble's tests decrypt to 25.06 °C and 50.55 %, made again from its plaintext and counter.
        assertThat(HexFormat.of().formatHex(packet(0x33221100L, "02ca0903bf13"))).isEqualTo("41a47266c95f730011223378237214");
    }

    @Test
    void anEncryptedSensorsCounterOnlyGoesUpAndRepeatsAreDropped() throws Exception {
        BleDriver d = new BleDriver("motion", MAC, BleDriver.Format.AUTO, KEY, Duration.ofMinutes(10), null, null,
                org.xmppiot.core.spi.DriverContext.standalone());
        RecordingSink sink = new RecordingSink();
        d.deliverTo(sink); // not started on D-Bus: advertisements are handed to it as the scanner would
        d.advertisement(ad(packet(100, "2101")));
        d.advertisement(ad(packet(100, "2101")));
        d.advertisement(ad(packet(99, "2100")));
        d.advertisement(ad(packet(101, "2100")));
        assertThat(sink.readings()).hasSize(2);
        assertThat(d.rejected()).containsEntry("repeat", 1L).containsEntry("replayed", 1L);
    }
}
