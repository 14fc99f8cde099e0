package org.xmppiot.mappings;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xmppiot.core.config.YamlConfigReader;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Frame;
import org.xmppiot.core.spi.DeviceProfile;
import org.xmppiot.core.spi.FramingSpec;
import org.xmppiot.core.spi.MapperRegistry;
import org.xmppiot.core.spi.ProfileRegistry;

/** The stock profiles against frames laid out as their datasheets describe them. */
class ProfilesTest {

    private static DeviceProfile profile(String name) throws Exception {
        return ProfileRegistry.fromClassPath().find(YamlConfigReader.read("t.yaml", "profile: " + name).get("profile"));
    }

    /** A PMS5003 frame: 42 4D, length 28, thirteen big-endian words, then the 16-bit sum of everything before. */
    static byte[] pms5003Frame(int... words) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x42);
        out.write(0x4D);
        out.write(0);
        out.write(28);
        for (int i = 0; i < 13; i++) {
            int w = i < words.length ? words[i] : 0;
            out.write(w >> 8);
            out.write(w & 0xff);
        }
        byte[] body = out.toByteArray();
        int sum = 0;
        for (byte b : body) {
            sum += b & 0xff;
        }
        out.write(sum >> 8);
        out.write(sum & 0xff);
        return out.toByteArray();
    }

    /** The sample packet printed in the SDS011 datasheet: PM2.5 123.6, PM10 261.8. */
    static final byte[] SDS011_SAMPLE = {(byte) 0xAA, (byte) 0xC0, (byte) 0xD4, 0x04, 0x3A, 0x0A, (byte) 0xA1, 0x60, 0x1D, (byte) 0xAB};

    private static BigDecimal numeric(List<Field> fields, String name) {
        for (Field f : fields) {
            if (f.name().equals(name)) {
                return ((FieldValue.NumericValue) f.value()).value();
            }
        }
        throw new AssertionError("no field " + name);
    }

    @Test
    void pms5003FramesGiveConcentrationsAndCounts() throws Exception {
        DeviceProfile p = profile("pms5003");
        byte[] frame = pms5003Frame(5, 8, 9, 4, 7, 9, 1200, 350, 60, 6, 2, 1, 0x9700);
        assertThat(frame).hasSize(32);
        FramingSpec.Binary framing = (FramingSpec.Binary) p.framing();
        assertThat(framing.checksum().matches(frame)).isTrue();
        frame[13] ^= 1;
        assertThat(framing.checksum().matches(frame)).isFalse();
        frame[13] ^= 1;

        List<Field> fields = p.mapper().map(new Frame("test", Instant.EPOCH, frame));
        assertThat(fields).hasSize(12);
        assertThat(numeric(fields, "pm2.5")).isEqualByComparingTo("7");
        assertThat(numeric(fields, "pm10")).isEqualByComparingTo("9");
        assertThat(numeric(fields, "pm2.5-cf1")).isEqualByComparingTo("8");
        assertThat(numeric(fields, "particles-0.3um")).isEqualByComparingTo("1200");
        assertThat(((FieldValue.NumericValue) fields.get(4).value()).unit()).isEqualTo("µg/m³");
        assertThat(p.baud()).isEqualTo(9600);
    }

    @Test
    void sds011ReadsTheDatasheetSample() throws Exception {
        DeviceProfile p = profile("sds011");
        FramingSpec.Binary framing = (FramingSpec.Binary) p.framing();
        assertThat(framing.checksum().matches(SDS011_SAMPLE)).isTrue();
        byte[] corrupted = SDS011_SAMPLE.clone();
        corrupted[8] = 0x1E;
        assertThat(framing.checksum().matches(corrupted)).isFalse();

        List<Field> fields = p.mapper().map(new Frame("test", Instant.EPOCH, SDS011_SAMPLE));
        assertThat(fields).containsExactly(
                Field.readout("pm2.5", new FieldValue.NumericValue(new BigDecimal("123.6"), "µg/m³")),
                Field.readout("pm10", new FieldValue.NumericValue(new BigDecimal("261.8"), "µg/m³")),
                Field.readout("device-id", new FieldValue.IntegerValue(0x60A1)));
    }

    @Test
    void mhz19bIsPolledAndReadsTheDatasheetAnswer() throws Exception {
        DeviceProfile p = profile("mhz19b");
        byte[] answer = {(byte) 0xFF, (byte) 0x86, 0x02, 0x60, 0x47, 0, 0, 0, (byte) 0xD1};
        assertThat(((FramingSpec.Binary) p.framing()).checksum().matches(answer)).isTrue();
        assertThat(p.mapper().map(new Frame("t", Instant.EPOCH, answer)))
                .containsExactly(Field.readout("co2", new FieldValue.NumericValue(new BigDecimal("608"), "ppm")));
        byte[] request = p.poll().orElseThrow().request();
        assertThat(request).containsExactly(0xFF, 0x01, 0x86, 0, 0, 0, 0, 0, 0x79);
        // The request carries the same kind of checksum: bytes 1..8 sum to zero.
        int sum = 0;
        for (int i = 1; i < request.length; i++) {
            sum += request[i] & 0xff;
        }
        assertThat(sum & 0xff).isZero();
    }

    @Test
    void anUnknownProfileListsTheKnownOnes() {
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> profile("bme680"));
        assertThat(e.getMessage()).contains("no device profile 'bme680'; available: csv-lines, json-lines, mhz19b, nmea-gps, pms5003, sds011");
    }

    @Test
    void theBinaryMappingReadsSignedLittleEndianValues() throws Exception {
        var m = MapperRegistry.fromClassPath().create(YamlConfigReader.read("t.yaml", """
                mapping:
                  type: binary
                  fields:
                    - { name: temperature, position: 1, width: 2, endian: little, signed: true, scale: 0.01, unit: "°C" }
                    - { name: status, position: 3, width: 1, type: integer, offset: 3 }
                """).get("mapping"));
        // -12.34 °C is -1234 = 0xFB2E, little-endian 2E FB.
        byte[] frame = {0x01, 0x2E, (byte) 0xFB, 0x07};
        assertThat(m.map(new Frame("t", Instant.EPOCH, frame))).containsExactly(
                Field.readout("temperature", new FieldValue.NumericValue(new BigDecimal("-12.34"), "°C")),
                Field.readout("status", new FieldValue.IntegerValue(10)));
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.xmppiot.core.spi.FrameRejectedException.class,
                () -> m.map(new Frame("t", Instant.EPOCH, "ab".getBytes(StandardCharsets.US_ASCII))));
        assertThat(e.kind()).isEqualTo("short-frame");
    }
}
