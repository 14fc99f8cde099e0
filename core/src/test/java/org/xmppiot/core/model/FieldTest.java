package org.xmppiot.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class FieldTest {

    private static final FieldValue VALUE = new FieldValue.NumericValue(BigDecimal.ONE, "V");

    @Test
    void qualityFlagsAreKeptInTheEnumsOrderWhateverSetTheyCameIn() {
        Set<Quality> given = new HashSet<>(List.of(Quality.INVOICED, Quality.MISSING, Quality.WARNING));
        Field f = new Field("u", VALUE, given);
        assertThat(f.quality()).containsExactly(Quality.MISSING, Quality.WARNING, Quality.INVOICED);
        assertThat(f).isEqualTo(new Field("u", VALUE, EnumSet.of(Quality.WARNING, Quality.INVOICED, Quality.MISSING)));
        assertThat(f.hashCode()).isEqualTo(new Field("u", VALUE, Set.of(Quality.WARNING, Quality.INVOICED, Quality.MISSING)).hashCode());
    }

    @Test
    void qualityFlagsCannotBeChangedThroughTheFieldNorByChangingWhatWasGiven() {
        Set<Quality> given = EnumSet.of(Quality.AUTOMATIC_READOUT);
        Field f = new Field("u", VALUE, given);
        given.add(Quality.ERROR);
        assertThat(f.quality()).containsExactly(Quality.AUTOMATIC_READOUT);
        assertThrows(UnsupportedOperationException.class, () -> f.quality().add(Quality.ERROR));
        Field two = f.withQuality(EnumSet.of(Quality.ERROR, Quality.AUTOMATIC_READOUT));
        assertThrows(UnsupportedOperationException.class, () -> two.quality().remove(Quality.ERROR));
        assertThat(two.quality()).containsExactly(Quality.AUTOMATIC_READOUT, Quality.ERROR);
    }

    @Test
    void noFlagsAndNullAreTheSameAndAReadoutIsAutomatic() {
        assertThat(new Field("u", VALUE, null)).isEqualTo(new Field("u", VALUE, Set.of()));
        assertThat(Field.readout("u", VALUE).quality()).containsExactly(Quality.AUTOMATIC_READOUT);
        assertThat(Field.readout("u", VALUE)).isEqualTo(new Field("u", VALUE, new HashSet<>(Set.of(Quality.AUTOMATIC_READOUT))));
        assertThat(Field.status("port", "open").category()).isEqualTo(Category.STATUS);
    }
}
