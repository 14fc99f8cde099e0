package org.xmppiot.gateway.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;

/** What an observation makes of readings that share a timestamp: a device may report twice in one millisecond. */
class ObservationTest {

    private static final Instant NOW = Instant.parse("2026-12-03T06:00:00.123Z");

    private static Reading heater(long sequence, Instant at, String celsius) {
        return new Reading("heater", sequence, at,
                List.of(Field.readout("temperature", new FieldValue.NumericValue(new BigDecimal(celsius), "°C"))));
    }

    private static Observation everyChange() {
        ObserveRequest request = new ObserveRequest(1, List.of("heater"), List.of(), Set.of(), null, null, false);
        return new Observation("reader@example.org/laptop", "heater", request, false, NOW.minusSeconds(1));
    }

    @Test
    void aSecondReadingOfTheSameMillisecondIsJudgedAndTheSameReadingOnlyOnce() {
        Observation o = everyChange();
        assertThat(o.evaluate(heater(1, NOW, "20.0"))).isNotNull();
        assertThat(o.evaluate(heater(2, NOW, "21.0"))).as("another reading, same millisecond").isNotNull();
        assertThat(o.evaluate(heater(2, NOW, "21.0"))).as("the same reading again").isNull();
        assertThat(o.evaluate(heater(0, NOW.minusMillis(1), "19.0"))).as("older than one judged").isNull();
        assertThat(o.evaluate(heater(3, NOW.plusMillis(1), "22.0"))).isNotNull();
    }
}
