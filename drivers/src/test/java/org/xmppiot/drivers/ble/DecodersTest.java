package org.xmppiot.drivers.ble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;

/** The decoders against their specifications' own test vectors, byte for byte. */
class DecodersTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static Map<String, String> values(Decoded d) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Field f : d.fields()) {
            out.put(f.name(), f.value() instanceof FieldValue.NumericValue n ? n.value().toPlainString() + (n.unit().isEmpty() ? "" : " " + n.unit())
                    : f.value() instanceof FieldValue.BooleanValue b ? Boolean.toString(b.value()) : ((FieldValue.StringValue) f.value()).value());
        }
        return out;
    }

    // Ruuvi data format 5, the four cases of ruuvi-sensor-protocols/dataformat_05.md.

    @Test
    void ruuviValidData() throws Exception {
        Decoded d = RuuviDecoder.decode(hex("0512FC5394C37C0004FFFC040CAC364200CDCBB8334C884F"));
        assertThat(values(d)).containsExactly(Map.entry("temperature", "24.300 °C"), Map.entry("humidity", "53.4900 %"),
                Map.entry("pressure", "1000.44 hPa"), Map.entry("acceleration-x", "0.004 g"), Map.entry("acceleration-y", "-0.004 g"),
                Map.entry("acceleration-z", "1.036 g"), Map.entry("battery", "2.977 V"), Map.entry("tx-power", "4 dBm"),
                Map.entry("movement-counter", "66"));
        assertThat(d.counter()).isEqualTo(205);
    }

    @Test
    void ruuviMaximumValues() throws Exception {
        Decoded d = RuuviDecoder.decode(hex("057FFFFFFEFFFE7FFF7FFF7FFFFFDEFEFFFECBB8334C884F"));
        assertThat(values(d)).containsExactly(Map.entry("temperature", "163.835 °C"), Map.entry("humidity", "163.8350 %"),
                Map.entry("pressure", "1155.34 hPa"), Map.entry("acceleration-x", "32.767 g"), Map.entry("acceleration-y", "32.767 g"),
                Map.entry("acceleration-z", "32.767 g"), Map.entry("battery", "3.646 V"), Map.entry("tx-power", "20 dBm"),
                Map.entry("movement-counter", "254"));
        assertThat(d.counter()).isEqualTo(65534);
    }

    @Test
    void ruuviMinimumValues() throws Exception {
        Decoded d = RuuviDecoder.decode(hex("058001000000008001800180010000000000CBB8334C884F"));
        assertThat(values(d)).containsExactly(Map.entry("temperature", "-163.835 °C"), Map.entry("humidity", "0.0000 %"),
                Map.entry("pressure", "500.00 hPa"), Map.entry("acceleration-x", "-32.767 g"), Map.entry("acceleration-y", "-32.767 g"),
                Map.entry("acceleration-z", "-32.767 g"), Map.entry("battery", "1.600 V"), Map.entry("tx-power", "-40 dBm"),
                Map.entry("movement-counter", "0"));
        assertThat(d.counter()).isEqualTo(0);
    }

    @Test
    void ruuviInvalidValuesAreLeftOut() throws Exception {
        Decoded d = RuuviDecoder.decode(hex("058000FFFFFFFF800080008000FFFFFFFFFFFFFFFFFFFFFF"));
        assertThat(d.fields()).isEmpty();
        assertThat(d.counter()).isNull();
    }

    @Test
    void ruuviTruncatedOrOtherFormatsAreRefused() {
        assertThatThrownBy(() -> RuuviDecoder.decode(hex("0512FC5394"))).isInstanceOf(AdvertisementRejected.class)
                .hasMessage("Ruuvi format 5 needs 24 bytes, got 5");
        assertThatThrownBy(() -> RuuviDecoder.decode(hex("0312FC"))).hasMessageContaining("only format 5");
    }

    // BTHome v2: the examples of bthome-ble's own tests (tests/test_parser_v2.py).

    @Test
    void btHomeTemperatureAndHumidity() throws Exception {
        Decoded d = BtHomeDecoder.decode(hex("40 02 ca 09 03 bf 13"), "A4:C1:38:8D:18:B2", null);
        assertThat(values(d)).containsExactly(Map.entry("temperature", "25.06 °C"), Map.entry("humidity", "50.55 %"));
    }

    @Test
    void btHomeEncryptedWithTheBindKey() throws Exception {
        byte[] key = hex("231d39c1d7cc1ab1aee224cd096db932");
        Decoded d = BtHomeDecoder.decode(hex("41 a4 72 66 c9 5f 73 00 11 22 33 78 23 72 14"), "54:48:E6:8F:80:A5", key);
        assertThat(values(d)).containsExactly(Map.entry("temperature", "25.06 °C"), Map.entry("humidity", "50.55 %"));
        assertThat(d.counter()).isEqualTo(0x33221100L);
        Decoded motion = BtHomeDecoder.decode(hex("41 87 b9 00 11 22 33 72 b0 23 1f"), "54:48:E6:8F:80:A5", key);
        assertThat(values(motion)).containsExactly(Map.entry("motion", "true"));
    }

    @Test
    void btHomeWrongKeysDowngradesAndDamageAreRefused() {
        byte[] wrong = hex("814aac74c4f17b6c1581e1ab87816b99");
        assertThatThrownBy(() -> BtHomeDecoder.decode(hex("41 a4 72 66 c9 5f 73 00 11 22 33 78 23 72 14"), "54:48:E6:8F:80:A5", wrong))
                .isInstanceOf(AdvertisementRejected.class).hasMessageContaining("wrong bind-key")
                .satisfies(e -> assertThat(((AdvertisementRejected) e).kind()).isEqualTo("wrong-key"));
        assertThatThrownBy(() -> BtHomeDecoder.decode(hex("40 04 13 8a 01"), "A4:C1:38:8D:18:B2", wrong))
                .satisfies(e -> assertThat(((AdvertisementRejected) e).kind()).isEqualTo("unencrypted"));
        assertThatThrownBy(() -> BtHomeDecoder.decode(hex("41 a4 72 66 c9 5f 73 00 11 22 33 78 23 72 14"), "54:48:E6:8F:80:A5", null))
                .satisfies(e -> assertThat(((AdvertisementRejected) e).kind()).isEqualTo("no-key"));
        assertThatThrownBy(() -> BtHomeDecoder.decode(hex("40 02 ca"), "A4:C1:38:8D:18:B2", null))
                .hasMessage("BTHome object 0x02 needs 2 bytes, 1 left");
        assertThatThrownBy(() -> BtHomeDecoder.decode(hex("40 ee 01"), "A4:C1:38:8D:18:B2", null)).hasMessageContaining("unknown BTHome object 0xEE");
        assertThatThrownBy(() -> BtHomeDecoder.decode(hex("20 02 ca 09"), "A4:C1:38:8D:18:B2", null)).hasMessageContaining("only version 2");
    }

    @Test
    void btHomePacketIdsTextAndRepeatedKinds() throws Exception {
        // Shelly BLU H&T Display ZB in bthome-ble's tests: packet id 46, battery 100, light on, humidity 52, temperature 27.8.
        Decoded d = BtHomeDecoder.decode(hex("40 00 2e 01 64 1e 01 2e 34 45 16 01"), "54:48:E6:8F:80:A5", null);
        assertThat(values(d)).containsExactly(Map.entry("battery", "100 %"), Map.entry("light", "true"), Map.entry("humidity", "52 %"),
                Map.entry("temperature", "27.8 °C"));
        assertThat(d.counter()).isEqualTo(46);
        Decoded two = BtHomeDecoder.decode(hex("40 02 ca 09 02 cb 09 53 02 68 69"), "A4:C1:38:8D:18:B2", null);
        assertThat(values(two)).containsExactly(Map.entry("temperature", "25.06 °C"), Map.entry("temperature-2", "25.07 °C"), Map.entry("text", "hi"));
    }

    // ATC/pvvx firmware, laid out as ATC_MiThermometer's README documents the formats.

    @Test
    void pvvxCustomAndAtc1441Formats() throws Exception {
        // pvvx: MAC A4:C1:38:8D:18:B2 low byte first, 23.45 °C, 56.78 %, 2950 mV, 85 %, counter 7, reed switch closed.
        Decoded pvvx = PvvxDecoder.decode(hex("B2 18 8D 38 C1 A4 29 09 2E 16 86 0B 55 07 01"));
        assertThat(values(pvvx)).containsExactly(Map.entry("temperature", "23.45 °C"), Map.entry("humidity", "56.78 %"),
                Map.entry("battery-voltage", "2.950 V"), Map.entry("battery", "85 %"), Map.entry("contact", "true"));
        assertThat(pvvx.counter()).isEqualTo(7);
        // atc1441: MAC high byte first, 23.4 °C, 56 %, 85 %, 2950 mV, counter 9.
        Decoded atc = PvvxDecoder.decode(hex("A4 C1 38 8D 18 B2 00 EA 38 55 0B 86 09"));
        assertThat(values(atc)).containsExactly(Map.entry("temperature", "23.4 °C"), Map.entry("humidity", "56 %"), Map.entry("battery", "85 %"),
                Map.entry("battery-voltage", "2.950 V"));
        assertThat(atc.counter()).isEqualTo(9);
        assertThatThrownBy(() -> PvvxDecoder.decode(hex("A4 C1 38"))).satisfies(e -> assertThat(((AdvertisementRejected) e).kind()).isEqualTo("truncated"));
    }
}
