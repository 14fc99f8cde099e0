package org.xmppiot.mappings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xmppiot.core.config.YamlConfigReader;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Frame;
import org.xmppiot.core.spi.FrameMapper;
import org.xmppiot.core.spi.FrameRejectedException;
import org.xmppiot.core.spi.FramingSpec;
import org.xmppiot.core.spi.ProfileRegistry;

class LineProfilesTest {

    private static FrameMapper mapper(String profile) throws Exception {
        return ProfileRegistry.fromClassPath().find(YamlConfigReader.read("t.yaml", "profile: " + profile).get("profile")).mapper();
    }

    private static List<Field> map(FrameMapper m, String line) throws FrameRejectedException {
        return m.map(new Frame("t", Instant.EPOCH, line.getBytes(StandardCharsets.UTF_8)));
    }

    private static FieldValue.NumericValue numeric(String v, String unit) {
        return new FieldValue.NumericValue(new BigDecimal(v), unit);
    }

    @Test
    void ggaGivesFixSatellitesPositionAndAltitude() throws Exception {
        // The example sentence used throughout NMEA documentation: 48°07.038' N, 11°31.000' E, 545.4 m.
        List<Field> fields = map(mapper("nmea-gps"), "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r");
        assertThat(fields).containsExactly(
                Field.readout("fix-quality", new FieldValue.IntegerValue(1)),
                Field.readout("satellites", new FieldValue.IntegerValue(8)),
                Field.readout("latitude", numeric("48.117300", "°")),
                Field.readout("longitude", numeric("11.516667", "°")),
                Field.readout("hdop", numeric("0.9", "")),
                Field.readout("altitude", numeric("545.4", "m")));
    }

    @Test
    void rmcGivesValiditySpeedAndCourseAndSouthWestAreNegative() throws Exception {
        FrameMapper m = mapper("nmea-gps");
        assertThat(map(m, "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A")).containsExactly(
                Field.readout("valid", new FieldValue.BooleanValue(true)),
                Field.readout("latitude", numeric("48.117300", "°")),
                Field.readout("longitude", numeric("11.516667", "°")),
                Field.readout("speed", numeric("022.4", "kn")),
                Field.readout("course", numeric("084.4", "°")));
        String south = sentence("GNRMC,000001,A,3351.000,S,15112.000,W,0.0,0.0,010126,,");
        List<Field> f = map(m, south);
        assertThat(f.get(1).value()).isEqualTo(numeric("-33.850000", "°"));
        assertThat(f.get(2).value()).isEqualTo(numeric("-151.200000", "°"));
    }

    @Test
    void noFixGivesNoPositionAndBadSentencesAreRejectedByKind() throws Exception {
        FrameMapper m = mapper("nmea-gps");
        assertThat(map(m, sentence("GPGGA,,,,,,0,00,,,M,,M,,"))).containsExactly(
                Field.readout("fix-quality", new FieldValue.IntegerValue(0)),
                Field.readout("satellites", new FieldValue.IntegerValue(0)));
        assertThat(map(m, sentence("GPRMC,,V,,,,,,,,,,N"))).containsExactly(Field.readout("valid", new FieldValue.BooleanValue(false)));
        assertThat(assertThrows(FrameRejectedException.class,
                () -> map(m, "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*48")).kind()).isEqualTo("bad-checksum");
        assertThat(assertThrows(FrameRejectedException.class, () -> map(m, sentence("GPGSV,3,1,11,03,03,111,00"))).kind())
                .isEqualTo("other-sentence");
        assertThat(assertThrows(FrameRejectedException.class, () -> map(m, "garbage")).kind()).isEqualTo("no-match");
    }

    /** A sentence with its checksum computed, as a receiver would send it. */
    private static String sentence(String body) {
        int sum = 0;
        for (char c : body.toCharArray()) {
            sum ^= c;
        }
        return String.format("$%s*%02X", body, sum);
    }

    @Test
    void nmeaIsAlsoAMappingTypeForDevicesWithOtherLineSettings() throws Exception {
        FrameMapper m = org.xmppiot.core.spi.MapperRegistry.fromClassPath().create(
                YamlConfigReader.read("t.yaml", "mapping: { type: nmea }").get("mapping"));
        assertThat(map(m, "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47")).hasSize(6);
    }

    @Test
    void jsonLinesMakeAFieldOfEveryPlainValue() throws Exception {
        assertThat(map(mapper("json-lines"), "{\"t\":21.50,\"door\":false,\"state\":\"ok\",\"nested\":{\"x\":1}}")).containsExactly(
                Field.readout("t", numeric("21.50", "")),
                Field.readout("door", new FieldValue.BooleanValue(false)),
                Field.readout("state", new FieldValue.StringValue("ok")));
        assertThat(assertThrows(FrameRejectedException.class, () -> map(mapper("json-lines"), "[1,2]")).kind()).isEqualTo("bad-json");
    }

    @Test
    void csvLinesNumberTheirColumns() throws Exception {
        assertThat(map(mapper("csv-lines"), "21.5, 40,-3")).containsExactly(
                Field.readout("value1", numeric("21.5", "")),
                Field.readout("value2", numeric("40", "")),
                Field.readout("value3", numeric("-3", "")));
        assertThat(assertThrows(FrameRejectedException.class, () -> map(mapper("csv-lines"), "21.5,x")).kind()).isEqualTo("bad-number");
    }

    @Test
    void lineProfilesFrameByNewline() throws Exception {
        var p = ProfileRegistry.fromClassPath().find(YamlConfigReader.read("t.yaml", "profile: nmea-gps").get("profile"));
        assertThat(p.framing()).isInstanceOf(FramingSpec.Lines.class);
        assertThat(p.baud()).isEqualTo(9600);
    }
}
