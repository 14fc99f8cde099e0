package org.xmppiot.drivers.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.xmppiot.core.testing.Await;
import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.config.YamlConfigReader;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Quality;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.Driver;
import org.xmppiot.core.spi.DriverRegistry;

class SimulatedDriverTest {

    private static ThingConfig thing(String yaml) throws ConfigException {
        ConfigNode section = YamlConfigReader.read("test.yaml", yaml);
        return new ThingConfig(section.string("id"), section.string("id"), "simulated", section);
    }

    private static List<Reading> collect(String yaml, int count) throws Exception {
        List<Reading> got = new CopyOnWriteArrayList<>();
        try (Driver d = new SimulatedDriverFactory().create(thing(yaml))) {
            d.start(got::add);
            Await.until(count + " readings", () -> got.size() >= count);
        }
        return got.subList(0, count);
    }

    private static BigDecimal numeric(Field f) {
        return ((FieldValue.NumericValue) f.value()).value();
    }

    @Test
    void isFoundByItsNameOnTheClassPath() throws Exception {
        ConfigNode node = YamlConfigReader.read("t.yaml", "driver: simulated\n");
        assertThat(DriverRegistry.fromClassPath().find(node.get("driver"))).isInstanceOf(SimulatedDriverFactory.class);
    }

    @Test
    void producesNumberedReadingsWithTheConfiguredFieldsUnitsAndDecimals() throws Exception {
        List<Reading> readings = collect("""
                id: greenhouse
                interval: 10ms
                fields:
                  - { name: temperature, unit: "°C", waveform: sine, min: 18, max: 26, period: 200ms, decimals: 2 }
                  - { name: pump, type: boolean, waveform: square, period: 100ms }
                  - { name: count, type: integer, waveform: constant, value: 41.6 }
                """, 30);
        for (int i = 0; i < readings.size(); i++) {
            Reading r = readings.get(i);
            assertThat(r.thingId()).isEqualTo("greenhouse");
            assertThat(r.sequence()).isEqualTo(i + 1);
            if (i > 0) {
                assertThat(r.timestamp()).isAfterOrEqualTo(readings.get(i - 1).timestamp());
            }
            assertThat(r.timestamp().getNano() % 1_000_000).isZero();
            assertThat(r.fields()).extracting(Field::name).containsExactly("temperature", "pump", "count");
            Field t = r.field("temperature");
            assertThat(((FieldValue.NumericValue) t.value()).unit()).isEqualTo("°C");
            assertThat(numeric(t).scale()).isEqualTo(2);
            assertThat(numeric(t)).isBetween(new BigDecimal("18.00"), new BigDecimal("26.00"));
            assertThat(t.quality()).containsExactly(Quality.AUTOMATIC_READOUT);
            assertThat(r.field("pump").value()).isInstanceOf(FieldValue.BooleanValue.class);
            assertThat(r.field("count").value()).isEqualTo(new FieldValue.IntegerValue(42));
        }
        // Over 30 samples of a 200 ms sine the value must move, and a 100 ms square must switch.
        assertThat(readings.stream().map(r -> numeric(r.field("temperature"))).distinct().count()).isGreaterThan(3);
        assertThat(readings.stream().map(r -> r.field("pump").value()).distinct().count()).isEqualTo(2);
    }

    @Test
    void aRandomWalkStaysInItsBoundsAndStepsAtMostItsStep() throws Exception {
        List<Reading> readings = collect("""
                id: soil
                interval: 1ms
                fields:
                  - { name: moisture, unit: "%", waveform: random-walk, min: 10, max: 12, step: 0.5, decimals: 3, seed: 7 }
                """, 200);
        BigDecimal previous = null;
        for (Reading r : readings) {
            BigDecimal v = numeric(r.field("moisture"));
            assertThat(v).isBetween(new BigDecimal("10.000"), new BigDecimal("12.000"));
            if (previous != null) {
                assertThat(v.subtract(previous).abs()).isLessThanOrEqualTo(new BigDecimal("0.5005"));
            }
            previous = v;
        }
    }

    @Test
    void stopsProducingOnClose() throws Exception {
        List<Reading> got = new CopyOnWriteArrayList<>();
        Driver d = new SimulatedDriverFactory().create(thing("id: x\ninterval: 5ms\nfields: [ { name: v } ]\n"));
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        List<Reading> afterClose = new CopyOnWriteArrayList<>();
        d.start(r -> (closed.get() ? afterClose : got).add(r));
        Await.until("three readings", () -> got.size() >= 3);
        d.close();
        closed.set(true);
        // Closed means the sampling thread has ended, so nothing can come later.
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("simulated-x") && t.isAlive());
        assertThat(afterClose).isEmpty();
    }

    @Test
    void badSettingsAreNamed() {
        ConfigException none = assertThrows(ConfigException.class, () -> new SimulatedDriverFactory().create(thing("id: x\n")));
        assertThat(none.problem()).contains("needs at least one field");
        ConfigException unit = assertThrows(ConfigException.class, () -> new SimulatedDriverFactory().create(
                thing("id: x\nfields:\n  - { name: on, type: boolean, unit: V }\n")));
        assertThat(unit.path()).isEqualTo("fields[0].unit");
        assertThat(unit.problem()).contains("only numeric fields have a unit");
        ConfigException bounds = assertThrows(ConfigException.class, () -> new SimulatedDriverFactory().create(
                thing("id: x\nfields:\n  - name: t\n    min: 5\n    max: 1\n")));
        assertThat(bounds.line()).isEqualTo(5);
        assertThat(bounds.problem()).contains("below min");
        ConfigException twice = assertThrows(ConfigException.class, () -> new SimulatedDriverFactory().create(
                thing("id: x\nfields: [ { name: t }, { name: t } ]\n")));
        assertThat(twice.problem()).contains("used twice");
        ConfigException shape = assertThrows(ConfigException.class, () -> new SimulatedDriverFactory().create(
                thing("id: x\nfields: [ { name: t, waveform: sawtooth } ]\n")));
        assertThat(shape.problem()).contains("use one of: sine, triangle, square, random-walk, constant");
    }
}
