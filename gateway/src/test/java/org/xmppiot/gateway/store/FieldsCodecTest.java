package org.xmppiot.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.xmppiot.core.model.Category;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Quality;

/** The stored form of a reading's fields: exact both ways, small, readable from older stores, and never fooled by damage. */
class FieldsCodecTest {

    private static final Set<Quality> AUTOMATIC = EnumSet.of(Quality.AUTOMATIC_READOUT);

    private static List<Field> meter() {
        return List.of(new Field("power", new FieldValue.NumericValue(new BigDecimal("51.6"), "W"), AUTOMATIC, Category.MOMENTARY),
                new Field("energy", new FieldValue.NumericValue(new BigDecimal("50.057"), "kWh"), AUTOMATIC, Category.MOMENTARY));
    }

    private static List<Field> everyKind() {
        return List.of(
                new Field("t", new FieldValue.NumericValue(new BigDecimal("23.40"), "°C"), AUTOMATIC, Category.MOMENTARY),
                new Field("negative", new FieldValue.NumericValue(new BigDecimal("-0.001"), ""), Set.of(), Category.COMPUTED),
                new Field("huge", new FieldValue.NumericValue(new BigDecimal("-123456789012345678901234567890.5"), "Wh"), AUTOMATIC,
                        Category.PEAK),
                new Field("exponent", new FieldValue.NumericValue(new BigDecimal("1E+5"), "Pa"), AUTOMATIC, Category.MOMENTARY),
                new Field("longest", new FieldValue.NumericValue(BigDecimal.valueOf(Long.MIN_VALUE, 2), ""), AUTOMATIC, Category.MOMENTARY),
                new Field("count", new FieldValue.IntegerValue(Long.MIN_VALUE), EnumSet.of(Quality.ERROR, Quality.WARNING), Category.STATUS),
                new Field("max", new FieldValue.IntegerValue(Long.MAX_VALUE), Set.of(), Category.MOMENTARY),
                new Field("door", new FieldValue.BooleanValue(true), Set.of(), Category.MOMENTARY),
                new Field("serial", new FieldValue.StringValue("Zähler-7 ✓"), Set.of(), Category.IDENTITY));
    }

    /** Rows of values only, read with the one layout a test keeps under id 7. */
    private static byte[] valuesRow(List<Field> fields) {
        return FieldsCodec.encodeValues(7, fields);
    }

    private static List<Field> readValues(byte[] row, List<Field> like) throws IOException {
        FieldsCodec.Layout layout = FieldsCodec.readLayout(FieldsCodec.layout(like));
        return FieldsCodec.decode(row, id -> {
            if (id != 7) {
                throw new IOException("stored fields refer to layout " + id);
            }
            return layout;
        });
    }

    @Test
    void everyKindOfValueComesBackExactly() throws IOException {
        List<Field> fields = everyKind();
        assertThat(FieldsCodec.decode(FieldsCodec.encode(fields))).isEqualTo(fields);
        assertThat(readValues(valuesRow(fields), fields)).isEqualTo(fields);
        assertThat(FieldsCodec.decode(FieldsCodec.encode(List.of()))).isEmpty();
        assertThat(readValues(valuesRow(List.of()), List.of())).isEmpty();
    }

    @Test
    void readingsOfAKindShareOneLayoutAndDifferOnlyInValues() {
        List<Field> later = List.of(new Field("power", new FieldValue.NumericValue(new BigDecimal("1234.5"), "W"), AUTOMATIC,
                Category.MOMENTARY), new Field("energy", new FieldValue.NumericValue(new BigDecimal("-0.001"), "kWh"), AUTOMATIC,
                Category.MOMENTARY));
        assertThat(FieldsCodec.layout(later)).isEqualTo(FieldsCodec.layout(meter()));
        List<Field> otherUnit = List.of(meter().get(0), new Field("energy", new FieldValue.NumericValue(new BigDecimal("50.057"),
                "Wh"), AUTOMATIC, Category.MOMENTARY));
        assertThat(FieldsCodec.layout(otherUnit)).isNotEqualTo(FieldsCodec.layout(meter()));
        List<Field> flagged = List.of(meter().get(0), new Field("energy", meter().get(1).value(), EnumSet.of(Quality.WARNING),
                Category.MOMENTARY));
        assertThat(FieldsCodec.layout(flagged)).isNotEqualTo(FieldsCodec.layout(meter()));
    }

    @Test
    void everyKindAndQualityFlagHasACode() throws IOException {
        for (Category c : Category.values()) {
            List<Field> one = List.of(new Field("x", new FieldValue.BooleanValue(false), EnumSet.allOf(Quality.class), c));
            assertThat(FieldsCodec.decode(FieldsCodec.encode(one))).isEqualTo(one);
        }
    }

    @Test
    void aMeterReadingTakesATenthOfTheOlderFormat() {
        // Version 1 of the same reading (below) took 104 bytes; one that carries its layout takes under 40.
        assertThat(FieldsCodec.encode(meter())).hasSizeLessThanOrEqualTo(40);
        assertThat(valuesRow(meter())).hasSizeLessThanOrEqualTo(12);
    }

    @Test
    void rowsOfTheOlderFormatStayReadable() throws IOException {
        // A row as version 1 wrote it, taken from a store file of that version.
        byte[] version1 = HexFormat.of().parseHex("0100020005706F77657200096D6F6D656E746172790100106175746F6D61746963526561646F75"
                + "746E00020204000000010001570006656E6572677900096D6F6D656E746172790100106175746F6D61746963526561646F75746E000300C3"
                + "890000000300036B5768");
        assertThat(FieldsCodec.decode(version1)).isEqualTo(meter());
        // And stores that keep that layout get rows byte for byte as that version wrote them.
        assertThat(FieldsCodec.encodeVersion1(meter())).isEqualTo(version1);
        assertThat(FieldsCodec.decode(FieldsCodec.encodeVersion1(everyKind()))).isEqualTo(everyKind());
    }

    @Test
    void damagedRowsAreRefusedWithAReasonNeverMisread() {
        List<String> reasons = new ArrayList<>();
        for (byte[] whole : List.of(FieldsCodec.encode(everyKind()), valuesRow(everyKind()), FieldsCodec.layout(everyKind()))) {
            for (int length = 0; length < whole.length; length++) {
                byte[] cut = Arrays.copyOf(whole, length);
                reasons.add(assertThrows(IOException.class, () -> read(cut, whole)).getMessage());
            }
            byte[] longer = Arrays.copyOf(whole, whole.length + 1);
            reasons.add(assertThrows(IOException.class, () -> read(longer, whole)).getMessage());
        }
        reasons.add(assertThrows(IOException.class, () -> FieldsCodec.decode(FieldsCodec.encodeValues(8, meter()), id -> {
            throw new IOException("stored fields refer to layout " + id + ", which the store does not hold");
        })).getMessage());
        byte[] newer = FieldsCodec.encode(meter());
        newer[0] = 4;
        reasons.add(assertThrows(IOException.class, () -> FieldsCodec.decode(newer)).getMessage());
        assertThat(reasons).allSatisfy(r -> assertThat(r).startsWith("stored field"));
        assertThat(reasons.get(reasons.size() - 1)).contains("format version 4");
    }

    /** Reads {@code bytes} as what {@code whole} is: a row of either kind, or a layout. */
    private static Object read(byte[] bytes, byte[] whole) throws IOException {
        if (whole[0] == 3) {
            return readValues(bytes, everyKind());
        }
        return whole[0] == 2 ? FieldsCodec.decode(bytes) : FieldsCodec.readLayout(bytes);
    }
}
