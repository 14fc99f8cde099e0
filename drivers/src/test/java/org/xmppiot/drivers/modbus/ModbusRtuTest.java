package org.xmppiot.drivers.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.config.YamlConfigReader;
import org.xmppiot.core.model.Command;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.core.thing.ThingRegistry;
import org.xmppiot.core.spi.CommandRejectedException;
import org.xmppiot.core.testing.Await;
import org.xmppiot.core.testing.RecordingSink;
import org.xmppiot.simulators.modbus.ModbusSlaveSimulator;
import org.xmppiot.simulators.serial.SerialDeviceSimulator;

/**
 * The Modbus driver on an RTU bus: a socat pseudo-terminal pair with a slave at the other end that can answer,
 * stay silent, answer with an exception, with a bad CRC, put garbage on the line, and be unplugged.
 */
class ModbusRtuTest {

    private static final String MAP = """
            registers:
              - { name: temperature, table: input, address: 0, type: int16, scale: 0.1, unit: "°C", decimals: 1 }
              - { name: energy, table: input, address: 2, type: float32, unit: kWh, decimals: 2 }
              - { name: setpoint, table: holding, address: 10, type: uint16, scale: 0.5, unit: "°C", writable: true, min: 5, max: 30 }
              - { name: pump, table: coil, address: 0, writable: true }
              - { name: alarm, table: holding, address: 11, type: bit, bit: 2 }
            """;

    @TempDir
    Path dir;

    private SerialDeviceSimulator bus;
    private final ModbusSlaveSimulator slave = new ModbusSlaveSimulator().unit(1).unit(2);
    private final List<ModbusDriver> drivers = new ArrayList<>();

    @BeforeEach
    void plugIn() throws Exception {
        bus = SerialDeviceSimulator.start(dir);
        bus.answer(slave.rtuResponder());
        for (int unit : new int[] {1, 2}) {
            slave.setInput(unit, 0, -215);
            slave.setInputFloat(unit, 2, 1234.5f);
            slave.setHolding(unit, 10, 42, 0b100);
        }
    }

    @AfterEach
    void unplug() throws Exception {
        drivers.forEach(ModbusDriver::close);
        bus.close();
        slave.close();
    }

    /** One gateway's context: things on one bus share its link, and the bus is reported as a bridge. */
    private final ThingRegistry context = new ThingRegistry(new RecordingSink());

    private ModbusDriver start(String id, String settings, RecordingSink sink) throws ConfigException {
        ThingConfig thing = new ThingConfig(id, id, "modbus", YamlConfigReader.read("things.yaml",
                "id: " + id + "\ndriver: modbus\nport: " + bus.port() + "\nbaud: 19200\n" + settings));
        ModbusDriver driver = (ModbusDriver) new ModbusDriverFactory().create(thing, context);
        drivers.add(driver);
        driver.start(sink);
        return driver;
    }

    private static String value(Reading r, String field) {
        Field f = r.field(field);
        if (f == null) {
            return null;
        }
        return f.value() instanceof FieldValue.NumericValue n ? n.value().toPlainString() + " " + n.unit() : f.value().toString();
    }

    private static Reading latest(RecordingSink sink, String field) {
        List<Reading> all = new ArrayList<>(sink.readings());
        Collections.reverse(all);
        return all.stream().filter(r -> r.field(field) != null).findFirst().orElse(null);
    }

    @Test
    void readsTheRegisterMapWithUnitsAndDecimals() throws Exception {
        RecordingSink sink = new RecordingSink();
        ModbusDriver driver = start("boiler", "unit: 1\npoll-interval: 200ms\n" + MAP, sink);
        Reading r = Await.value("a reading", Await.GENEROUS, () -> latest(sink, "temperature"));
        assertThat(value(r, "temperature")).isEqualTo("-21.5 °C");
        assertThat(value(r, "energy")).isEqualTo("1234.50 kWh");
        assertThat(value(r, "setpoint")).isEqualTo("21.0 °C");
        assertThat(r.field("pump").value()).isEqualTo(new FieldValue.BooleanValue(false));
        assertThat(r.field("alarm").value()).isEqualTo(new FieldValue.BooleanValue(true));
        // Whoever gets the reading finds the thing already said to be online by the poll that read it.
        assertThat(sink.statusWhenHanded(r)).isEqualTo(ThingStatus.online());
        assertThat(driver.rejected()).isEmpty();
        // Five fields in four requests a poll: input 0 and input 2-3 (an unmapped register between them, and no
        // read-through), holding 10-11 (a value and a bit of the next register), coil 0. A poll may be under way
        // at either count, with up to four of its requests made before its reading.
        long requestsBefore = slave.requests();
        int readingsBefore = sink.readings().size();
        Await.until("five more polls", () -> sink.readings().size() >= readingsBefore + 5);
        long requests = slave.requests() - requestsBefore;
        long polls = sink.readings().size() - readingsBefore;
        assertThat(Math.abs(requests - 4 * polls)).as(requests + " requests for " + polls + " polls").isLessThanOrEqualTo(4);
    }

    @Test
    void faultsAreStatusesWithReasonsAndCountedByKind() throws Exception {
        RecordingSink sink = new RecordingSink();
        ModbusDriver driver = start("boiler", "unit: 1\npoll-interval: 200ms\ntimeout: 200ms\nretries: 1\n" + MAP, sink);
        Await.until("online", () -> ThingStatus.online().equals(sink.lastStatus()));

        slave.behave(1, new ModbusSlaveSimulator.Silent());
        Await.until("offline, not answering", () -> String.valueOf(sink.lastStatus()).equals("offline: unit 1 on " + bus.port()
                + " does not answer (no reply within 200 ms)") && sink.lastStatus().detail() == ThingStatus.Detail.NO_ANSWER);

        slave.behave(1, new ModbusSlaveSimulator.Fails(2));
        Await.until("offline, illegal data address", () -> String.valueOf(sink.lastStatus())
                .equals("offline: unit 1 answered a read of holding registers 10-11 with exception 2 (illegal data address)")
                && sink.lastStatus().detail() == ThingStatus.Detail.CONFIG);

        slave.behave(1, new ModbusSlaveSimulator.BadCrc());
        Await.until("offline, bad CRC", () -> String.valueOf(sink.lastStatus()).startsWith("offline: answers from unit 1 on "
                + bus.port() + " fail their CRC check") && sink.lastStatus().detail() == ThingStatus.Detail.BAD_DATA);

        slave.behave(1, new ModbusSlaveSimulator.GarbageAfter());
        Await.until("online again", () -> ThingStatus.online().equals(sink.lastStatus()));
        int readings = sink.readings().size();
        Await.until("readings despite garbage between frames", () -> sink.readings().size() >= readings + 5);
        assertThat(sink.lastStatus()).isEqualTo(ThingStatus.online());

        assertThat(driver.rejected()).containsKeys("timeout", "exception: illegal data address", "crc");
    }

    @Test
    void anUnpluggedAdapterIsOfflineAndReadAgainWhenReplugged() throws Exception {
        RecordingSink sink = new RecordingSink();
        start("boiler", "unit: 1\npoll-interval: 200ms\ntimeout: 200ms\n" + MAP, sink);
        Await.until("online", () -> ThingStatus.online().equals(sink.lastStatus()));
        bus.unplug();
        Await.until("offline, no device", () -> String.valueOf(sink.lastStatus()).equals("offline: no device at " + bus.port() + "; waiting for it")
                && sink.lastStatus().detail() == ThingStatus.Detail.BRIDGE_OFFLINE);
        // The bus itself is the bridge that is down, with the reason; the thing says it is reached through it.
        assertThat(context.bridges()).singleElement().satisfies(b -> {
            assertThat(b.id()).isEqualTo("modbus rtu:" + bus.port());
            assertThat(b.status()).isEqualTo(ThingStatus.offline(ThingStatus.Detail.DEVICE_MISSING, "no device at " + bus.port() + "; waiting for it"));
        });
        slave.setInput(1, 0, 250);
        bus.replug();
        Await.until("back, with the new value", () -> ThingStatus.online().equals(sink.lastStatus())
                && "25.0 °C".equals(value(latest(sink, "temperature"), "temperature")));
        assertThat(context.bridges()).singleElement().satisfies(b -> assertThat(b.status()).isEqualTo(ThingStatus.online()));
    }

    @Test
    void aSilentUnitOnTheBusDoesNotSlowTheOther() throws Exception {
        slave.behave(2, new ModbusSlaveSimulator.Silent());
        RecordingSink quiet = new RecordingSink();
        RecordingSink steady = new RecordingSink();
        // The silent unit would hold the bus for 3 x 400 ms a poll if it were retried while it does not answer.
        start("dead", "unit: 2\npoll-interval: 500ms\ntimeout: 400ms\nretries: 2\n" + MAP, quiet);
        start("alive", "unit: 1\npoll-interval: 500ms\ntimeout: 400ms\nretries: 2\n" + MAP, steady);
        Await.until("the silent one offline", () -> quiet.lastStatus() != null && quiet.lastStatus().state() == ThingStatus.State.OFFLINE);
        int from = steady.readings().size();
        Await.until("12 more readings of the other", () -> steady.readings().size() >= from + 12);
        List<Reading> some = new ArrayList<>(steady.readings()).subList(from, from + 12);
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < some.size(); i++) {
            gaps.add(Duration.between(some.get(i - 1).timestamp(), some.get(i).timestamp()).toMillis());
        }
        Collections.sort(gaps);
        // Its poll interval is 500 ms; one timeout of the silent unit may stand between two of its polls, three may not.
        assertThat(gaps.get(gaps.size() / 2)).as("median gap between readings, ms: " + gaps).isLessThan(900);
        assertThat(steady.lastStatus()).isEqualTo(ThingStatus.online());
    }

    @Test
    void writesCheckTheRangeChangeTheDeviceAndComeBackAsAReading() throws Exception {
        RecordingSink sink = new RecordingSink();
        ModbusDriver driver = start("boiler", "unit: 1\npoll-interval: 1h\n" + MAP, sink);
        Await.until("first reading", () -> latest(sink, "setpoint") != null);
        driver.execute(new Command("boiler", "setpoint", new FieldValue.StringValue("22.5"), "test"));
        assertThat(slave.holding(1, 10)).isEqualTo(45);
        assertThat(value(latest(sink, "setpoint"), "setpoint")).isEqualTo("22.5 °C");
        driver.execute(new Command("boiler", "pump", new FieldValue.BooleanValue(true), "test"));
        assertThat(slave.coil(1, 0)).isTrue();
        assertThat(latest(sink, "pump").field("pump").value()).isEqualTo(new FieldValue.BooleanValue(true));
        assertThat(driver.channels()).filteredOn(c -> c.name().equals("setpoint")).singleElement()
                .satisfies(c -> assertThat(c.refusal("boiler", new FieldValue.NumericValue(new BigDecimal("31"), ""))).contains("takes 5 to 30"));
        slave.behave(1, new ModbusSlaveSimulator.Fails(6));
        assertThatThrownBy(() -> driver.execute(new Command("boiler", "setpoint", new FieldValue.StringValue("20"), "test")))
                .isInstanceOf(CommandRejectedException.class).hasMessageContaining("was not set").hasMessageContaining("slave device busy");
        assertThat(slave.holding(1, 10)).isEqualTo(45);
    }

    @Test
    void thingsOnOneBusMustAgreeOnItsLineSettings() throws Exception {
        RecordingSink first = new RecordingSink();
        RecordingSink second = new RecordingSink();
        start("a", "unit: 1\n" + MAP, first);
        ThingConfig other = new ThingConfig("b", "b", "modbus", YamlConfigReader.read("things.yaml",
                "id: b\ndriver: modbus\nport: " + bus.port() + "\nbaud: 9600\nunit: 2\n" + MAP));
        ModbusDriver b = (ModbusDriver) new ModbusDriverFactory().create(other, context);
        drivers.add(b);
        b.start(second);
        assertThat(String.valueOf(second.lastStatus())).startsWith("offline: " + bus.port() + " is already in use by 'a' at 19200 8N1");
    }
}
