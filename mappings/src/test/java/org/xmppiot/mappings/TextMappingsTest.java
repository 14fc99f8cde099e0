package org.xmppiot.mappings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.YamlConfigReader;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Frame;
import org.xmppiot.core.spi.FrameMapper;
import org.xmppiot.core.spi.FrameRejectedException;
import org.xmppiot.core.spi.MapperRegistry;

class TextMappingsTest {

    private static FrameMapper mapper(String yaml) throws ConfigException {
        return MapperRegistry.fromClassPath().create(YamlConfigReader.read("thing.yaml", yaml).get("mapping"));
    }

    private static List<Field> map(FrameMapper m, String text) throws FrameRejectedException {
        return m.map(new Frame("test", Instant.EPOCH, text.getBytes(StandardCharsets.UTF_8)));
    }

    private static FieldValue.NumericValue numeric(String value, String unit) {
        return new FieldValue.NumericValue(new BigDecimal(value), unit);
    }

    @Test
    void regexNamedGroupsBecomeFieldsWithScaleOffsetAndDecimals() throws Exception {
        FrameMapper m = mapper("""
                mapping:
                  type: regex
                  pattern: 'T=(?<t>-?\\d+) H=(?<h>\\d+(\\.\\d+)?)( PM=(?<pm25>\\d+))?'
                  fields:
                    - { name: temperature, group: t, unit: "°C", scale: 0.1 }
                    - { name: humidity, group: h, unit: "%", decimals: 1 }
                    - { name: pm2.5, group: pm25, type: integer, optional: true }
                """);
        assertThat(map(m, "T=215 H=40")).containsExactly(
                Field.readout("temperature", numeric("21.5", "°C")),
                Field.readout("humidity", numeric("40.0", "%")));
        assertThat(map(m, "T=-40 H=99.96 PM=12")).containsExactly(
                Field.readout("temperature", numeric("-4.0", "°C")),
                Field.readout("humidity", numeric("100.0", "%")),
                Field.readout("pm2.5", new FieldValue.IntegerValue(12)));
        FrameRejectedException e = assertThrows(FrameRejectedException.class, () -> map(m, "garbage"));
        assertThat(e.kind()).isEqualTo("no-match");
    }

    @Test
    void csvColumnsCountFromOneAndTypesAreChecked() throws Exception {
        FrameMapper m = mapper("""
                mapping:
                  type: csv
                  separator: ";"
                  fields:
                    - { name: level, column: 2, unit: cm, offset: -20 }
                    - { name: pump, column: 3, type: boolean }
                    - { name: state, column: 4, type: string, optional: true }
                """);
        assertThat(map(m, "tank;120.5;on;filling\r")).containsExactly(
                Field.readout("level", numeric("100.5", "cm")),
                Field.readout("pump", new FieldValue.BooleanValue(true)),
                Field.readout("state", new FieldValue.StringValue("filling")));
        assertThat(map(m, "tank;3;0")).hasSize(2);
        assertThat(assertThrows(FrameRejectedException.class, () -> map(m, "tank;x1;0")).kind()).isEqualTo("bad-number");
        assertThat(assertThrows(FrameRejectedException.class, () -> map(m, "tank;1;maybe")).kind()).isEqualTo("bad-boolean");
        assertThat(assertThrows(FrameRejectedException.class, () -> map(m, "tank")).kind()).isEqualTo("missing-column");
        FrameMapper counter = mapper("mapping:\n  type: csv\n  fields: [ { name: n, column: 1, type: integer } ]\n");
        assertThat(assertThrows(FrameRejectedException.class, () -> map(counter, "1e30")).kind()).isEqualTo("bad-number");
    }

    @Test
    void csvSeparatorsAreTakenLiterallyWhateverTheyMeanInARegex() throws Exception {
        for (String separator : List.of("|", ".", "\\", "\t", "x", "*", "::")) {
            String yamlSeparator = separator.equals("\\") ? "'\\'" : separator.equals("\t") ? "\"\\t\"" : "'" + separator + "'";
            FrameMapper m = mapper("mapping:\n  type: csv\n  separator: " + yamlSeparator + "\n  fields:\n"
                    + "    - { name: a, column: 1 }\n    - { name: b, column: 3, optional: true }\n");
            assertThat(map(m, "0040" + separator + "q" + separator + "1E+3")).as("separator %s", separator).containsExactly(
                    Field.readout("a", numeric("40", null)),
                    Field.readout("b", numeric("1000", null)));
            assertThat(map(m, "007" + separator + separator)).as("separator %s", separator).containsExactly(Field.readout("a", numeric("7", null)));
        }
    }

    @Test
    void jsonPathsKeepTheDecimalsTheDeviceSent() throws Exception {
        FrameMapper m = mapper("""
                mapping:
                  type: json
                  fields:
                    - { name: temperature, path: sensors.0.t, unit: "°C" }
                    - { name: pressure, path: /p, unit: hPa, scale: 0.01, decimals: 1 }
                    - { name: ok, type: boolean }
                """);
        assertThat(map(m, "{\"sensors\":[{\"t\":23.40}],\"p\":101325,\"ok\":true}")).containsExactly(
                Field.readout("temperature", numeric("23.40", "°C")),
                Field.readout("pressure", numeric("1013.3", "hPa")),
                Field.readout("ok", new FieldValue.BooleanValue(true)));
    }

    @Test
    void jsonPathsReachIntoObjectsAndArraysAlikeAndSkipWhatIsNull() throws Exception {
        FrameMapper m = mapper("""
                mapping:
                  type: json
                  fields:
                    - { name: a, path: a.0, type: integer }
                    - { name: b, path: /b/1, type: integer }
                    - { name: state, type: string }
                    - { name: spare, optional: true }
                """);
        assertThat(map(m, "{\"a\":{\"0\":5},\"b\":[7,-8],\"state\":\"ok\",\"spare\":null,\"state\":\"late\"}")).containsExactly(
                Field.readout("a", new FieldValue.IntegerValue(5)),
                Field.readout("b", new FieldValue.IntegerValue(-8)),
                Field.readout("state", new FieldValue.StringValue("late")));
        assertThat(assertThrows(FrameRejectedException.class, () -> map(m, "{\"a\":{\"0\":5},\"b\":[7,")).kind()).isEqualTo("bad-json");
        assertThat(assertThrows(FrameRejectedException.class, () -> map(m, "{\"a\":{\"x\":5},\"b\":[7,8],\"state\":\"ok\"}")).kind())
                .isEqualTo("missing-field");
        assertThat(assertThrows(FrameRejectedException.class, () -> map(m, "")).kind()).isEqualTo("bad-json");
    }

    @Test
    void jsonRejectsWhatIsNotThere() throws Exception {
        FrameMapper m = mapper("""
                mapping:
                  type: json
                  fields: [ { name: t, path: /t } ]
                """);
        assertThat(assertThrows(FrameRejectedException.class, () -> map(m, "{\"t\":")).kind()).isEqualTo("bad-json");
        assertThat(assertThrows(FrameRejectedException.class, () -> map(m, "{\"x\":1}")).kind()).isEqualTo("missing-field");
        assertThat(assertThrows(FrameRejectedException.class, () -> map(m, "{\"t\":\"warm\"}")).kind()).isEqualTo("bad-number");
    }

    @Test
    void mappingMistakesAreNamedWithTheirLines() {
        ConfigException type = assertThrows(ConfigException.class, () -> mapper("mapping:\n  type: xml\n"));
        assertThat(type.line()).isEqualTo(2);
        assertThat(type.problem()).isEqualTo("no mapping type 'xml'; available: binary, csv, json, nmea, regex");
        ConfigException group = assertThrows(ConfigException.class, () -> mapper(
                "mapping:\n  type: regex\n  pattern: 'v=(?<v>\\d+)'\n  fields:\n    - { name: w }\n"));
        assertThat(group.line()).isEqualTo(5);
        assertThat(group.problem()).contains("no group named 'w'");
        ConfigException regex = assertThrows(ConfigException.class, () -> mapper(
                "mapping:\n  type: regex\n  pattern: 'v=(\\d+'\n  fields: [ { name: v } ]\n"));
        assertThat(regex.problem()).startsWith("not a valid regular expression");
        ConfigException column = assertThrows(ConfigException.class, () -> mapper(
                "mapping:\n  type: csv\n  fields: [ { name: v } ]\n"));
        assertThat(column.problem()).contains("needs its column");
        ConfigException unit = assertThrows(ConfigException.class, () -> mapper(
                "mapping:\n  type: csv\n  fields: [ { name: v, column: 1, type: boolean, unit: V } ]\n"));
        assertThat(unit.problem()).contains("only numeric fields have a unit");
        ConfigException unknown = assertThrows(ConfigException.class, () -> mapper(
                "mapping:\n  type: csv\n  fields: [ { name: v, colum: 1 } ]\n"));
        assertThat(unknown.problem()).contains("unknown key 'colum'").contains("did you mean 'column'?");
        ConfigException missing = assertThrows(ConfigException.class, () -> mapper("other: 1\n"));
        assertThat(missing.problem()).startsWith("a mapping is required");
    }
}
