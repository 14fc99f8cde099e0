package org.xmppiot.drivers.gpio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.config.YamlConfigReader;
import org.xmppiot.core.model.Command;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.CommandRejectedException;
import org.xmppiot.core.testing.Await;

import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutput;
import com.pi4j.plugin.mock.provider.pwm.MockPwm;

/** GPIO things on Pi4J's mock provider: our debouncing, counting and safe states, which the mock does not do. */
class GpioDriverTest {

    private static GpioDriver driver(String yaml) throws ConfigException {
        ConfigNode section = YamlConfigReader.read("test.yaml", "id: shed\ndriver: gpio\nplatform: mock\n" + yaml);
        return (GpioDriver) new GpioDriverFactory().create(new ThingConfig("shed", "shed", "gpio", section));
    }

    private static void toggle(MockDigitalInput in, DigitalState... states) throws InterruptedException {
        for (DigitalState s : states) {
            in.mockState(s);
            Thread.sleep(1);
        }
    }

    @Test
    void aBouncingContactGivesExactlyOneReadingPerRealEdge() throws Exception {
        List<Reading> got = new CopyOnWriteArrayList<>();
        // Bounces last a few milliseconds; the debounce time is far longer, so a busy machine cannot stretch one past it.
        GpioDriver d = driver("inputs: [ { name: door, pin: 17, pull: up, debounce: 500ms } ]\n");
        try {
            d.start(got::add);
            assertThat(got).hasSize(1);
            assertThat(got.get(0).field("door").value()).isEqualTo(new FieldValue.BooleanValue(false));
            MockDigitalInput door = d.io("door");

            Instant before = Instant.now();
            toggle(door, DigitalState.HIGH, DigitalState.LOW, DigitalState.HIGH, DigitalState.LOW, DigitalState.HIGH);
            Instant after = Instant.now();
            Await.until("the opening", () -> got.size() >= 2);
            assertThat(got.get(1).field("door").value()).isEqualTo(new FieldValue.BooleanValue(true));
            // Stamped when the contact first moved, not when the bouncing stopped.
            assertThat(got.get(1).timestamp()).isBetween(before, after);

            toggle(door, DigitalState.LOW, DigitalState.HIGH); // A glitch that ends where it began,
            Thread.sleep(1_500); // then three debounce times of a quiet line: the glitch is over.
            Instant edge = Instant.now();
            toggle(door, DigitalState.LOW, DigitalState.HIGH, DigitalState.LOW); // Then a real closing, bouncing.
            Await.until("the closing", () -> got.size() >= 3);
            // The glitch gave nothing: the next reading is the closing, stamped when it began.
            assertThat(got.get(2).field("door").value()).isEqualTo(new FieldValue.BooleanValue(false));
            assertThat(got.get(2).timestamp()).isAfterOrEqualTo(edge);

            toggle(door, DigitalState.HIGH); // A clean opening: the closing's bounces gave nothing either.
            Await.until("the last opening", () -> got.size() >= 4);
            assertThat(got).extracting(r -> r.field("door").value()).containsExactly(new FieldValue.BooleanValue(false),
                    new FieldValue.BooleanValue(true), new FieldValue.BooleanValue(false), new FieldValue.BooleanValue(true));
        } finally {
            d.close();
        }
    }

    @Test
    void pulsesAreCountedOncePerDebouncedEdgeWithTotalAndRate() throws Exception {
        List<Reading> got = new CopyOnWriteArrayList<>();
        GpioDriver d = driver("""
                counter-interval: 300ms
                counters: [ { name: rain, pin: 27, pull: up, debounce: 150ms, per-pulse: 0.2794, unit: mm, rate-per: 1h } ]
                """);
        try {
            d.start(got::add);
            MockDigitalInput gauge = d.io("rain");
            for (int i = 0; i < 5; i++) {
                // A reed switch closing with a bounce, then opening: one pulse on the falling edge. Each level lasts
                // longer than the debounce time, whatever else the machine is doing.
                toggle(gauge, DigitalState.HIGH, DigitalState.LOW, DigitalState.HIGH);
                Thread.sleep(300);
                gauge.mockState(DigitalState.LOW);
                Thread.sleep(300);
            }
            // The rates, each over its 300 ms, add up to the total once the last pulse has been reported.
            Await.until("the rates to add up to five pulses", () -> rateSum(got).compareTo(new BigDecimal("1.397000")) >= 0);
        } finally {
            d.close();
        }
        Reading last = got.get(got.size() - 1);
        assertThat(total(last)).isEqualByComparingTo("1.3970");
        assertThat(rateSum(got)).isEqualByComparingTo("1.397000");
        assertThat(((FieldValue.NumericValue) last.field("rain").value()).unit()).isEqualTo("mm");
        assertThat(((FieldValue.NumericValue) last.field("rain-rate").value()).unit()).isEqualTo("mm/h");
    }

    private static BigDecimal rateSum(List<Reading> got) {
        BigDecimal sum = BigDecimal.ZERO;
        for (Reading r : got) {
            sum = sum.add(((FieldValue.NumericValue) r.field("rain-rate").value()).value().multiply(new BigDecimal("0.3"))
                    .divide(new BigDecimal("3600"), 6, java.math.RoundingMode.HALF_UP));
        }
        return sum;
    }

    private static BigDecimal total(Reading r) {
        return r.field("rain") == null ? BigDecimal.ZERO : ((FieldValue.NumericValue) r.field("rain").value()).value();
    }

    @Test
    void outputsChangeOnlyByCommandAndAreSafeAtStartAndStop() throws Exception {
        List<Reading> got = new CopyOnWriteArrayList<>();
        GpioDriver d = driver("""
                inputs: [ { name: float, pin: 5 } ]
                outputs: [ { name: pump, pin: 22, safe: off }, { name: valve, pin: 23, safe: on } ]
                pwm: [ { name: fan, pin: 18, frequency: 25000, safe: 20 } ]
                """);
        d.start(got::add);
        MockDigitalOutput pump = d.io("pump");
        MockDigitalOutput valve = d.io("valve");
        MockPwm fan = d.io("fan");
        assertThat(pump.state()).isEqualTo(DigitalState.LOW);
        assertThat(valve.state()).isEqualTo(DigitalState.HIGH);
        assertThat(fan.dutyCycle()).isEqualTo(20f);
        assertThat(got.get(0).fields()).extracting(f -> f.name()).containsExactly("pump", "valve", "fan", "float");

        d.execute(new Command("shed", "pump", new FieldValue.StringValue("on"), "owner@example.org"));
        d.execute(new Command("shed", "valve", new FieldValue.BooleanValue(false), "owner@example.org"));
        d.execute(new Command("shed", "fan", new FieldValue.IntegerValue(75), "owner@example.org"));
        assertThat(pump.state()).isEqualTo(DigitalState.HIGH);
        assertThat(valve.state()).isEqualTo(DigitalState.LOW);
        assertThat(fan.dutyCycle()).isEqualTo(75f);
        assertThat(got.get(got.size() - 1).field("fan").value()).isEqualTo(new FieldValue.NumericValue(new BigDecimal("75"), "%"));

        assertThat(refusal(d, "float", new FieldValue.BooleanValue(true))).isEqualTo(CommandRejectedException.Reason.READ_ONLY);
        assertThat(refusal(d, "heater", new FieldValue.BooleanValue(true))).isEqualTo(CommandRejectedException.Reason.UNKNOWN_FIELD);
        assertThat(refusal(d, "pump", new FieldValue.StringValue("maybe"))).isEqualTo(CommandRejectedException.Reason.BAD_VALUE);
        assertThat(refusal(d, "fan", new FieldValue.IntegerValue(150))).isEqualTo(CommandRejectedException.Reason.BAD_VALUE);
        // Refused commands changed nothing.
        assertThat(pump.state()).isEqualTo(DigitalState.HIGH);
        assertThat(fan.dutyCycle()).isEqualTo(75f);

        d.close();
        assertThat(pump.state()).isEqualTo(DigitalState.LOW);
        assertThat(valve.state()).isEqualTo(DigitalState.HIGH);
        assertThat(fan.dutyCycle()).isEqualTo(20f);
    }

    private static CommandRejectedException.Reason refusal(GpioDriver d, String field, FieldValue v) {
        return assertThrows(CommandRejectedException.class, () -> d.execute(new Command("shed", field, v, "x"))).reason();
    }

    @Test
    void offAPiTheDefaultPlatformSaysSoAndPointsToTheMock() throws Exception {
        ConfigNode section = YamlConfigReader.read("test.yaml", "id: shed\ndriver: gpio\ninputs: [ { name: door, pin: 17 } ]\n");
        GpioDriver d = (GpioDriver) new GpioDriverFactory().create(new ThingConfig("shed", "shed", "gpio", section));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> d.start(r -> { }));
        assertThat(e.getMessage()).contains("this machine is not a Raspberry Pi").contains("platform: mock");
    }

    @Test
    void configMistakesAreNamed() {
        assertThat(assertThrows(ConfigException.class, () -> driver("inputs: [ { name: door, pin: 40 } ]\n")).getMessage())
                .contains("inputs[0].pin").contains("out of range");
        assertThat(assertThrows(ConfigException.class, () -> driver("inputs: [ { name: a, pin: 17 }, { name: b, pin: 17 } ]\n")).getMessage())
                .contains("GPIO 17 is already used by 'a'");
        assertThat(assertThrows(ConfigException.class, () -> driver("pwm: [ { name: fan, pin: 17 } ]\n")).getMessage())
                .contains("hardware PWM is on GPIO 12, 13, 18 or 19");
        assertThat(assertThrows(ConfigException.class, () -> driver("outputs: [ { name: pump, pin: 22, safe: maybe } ]\n")).getMessage())
                .contains("outputs[0].safe");
        assertThat(assertThrows(ConfigException.class, () -> driver("counters: [ { name: c, pin: 4, per-pulse: -1 } ]\n")).getMessage())
                .contains("must be above 0");
        assertThat(assertThrows(ConfigException.class, () -> driver("")).getMessage()).contains("at least one of inputs");
    }
}
