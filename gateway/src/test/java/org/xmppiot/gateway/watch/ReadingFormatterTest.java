package org.xmppiot.gateway.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Quality;
import org.xmppiot.core.model.Reading;

class ReadingFormatterTest {

    @Test
    void aValueThatIsNoLongerCurrentSaysSo() {
        Reading r = new Reading("dust", 9, Instant.parse("2026-11-25T06:00:00Z"), List.of(
                new Field("pm2.5", new FieldValue.NumericValue(new BigDecimal("12.3"), "µg/m³"), Set.of(Quality.MISSING)),
                Field.status("serial-port", "waiting (device gone)")));
        assertThat(ReadingFormatter.format(r))
                .isEqualTo("2026-11-25T06:00:00Z dust pm2.5=12.3 µg/m³ (missing) serial-port=\"waiting (device gone)\"");
    }

    @Test
    void aFaultyValueSaysSo() {
        Reading r = new Reading("dust", 10, Instant.parse("2026-11-25T06:00:01Z"), List.of(
                Field.status("serial-port", "error (permission denied)").withQuality(Set.of(Quality.ERROR))));
        assertThat(ReadingFormatter.format(r)).isEqualTo("2026-11-25T06:00:01Z dust serial-port=\"error (permission denied)\" (error)");
    }
}
