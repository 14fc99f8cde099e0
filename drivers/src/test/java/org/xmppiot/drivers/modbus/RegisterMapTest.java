package org.xmppiot.drivers.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.config.YamlConfigReader;
import org.xmppiot.core.model.Channel;
import org.xmppiot.core.model.FieldValue;

/** Register maps: values decoded in every type and order, requests planned, impossible maps refused with where and why. */
class RegisterMapTest {

    private static ModbusDriver driver(String yaml) throws ConfigException {
        return (ModbusDriver) new ModbusDriverFactory().create(thing(yaml));
    }

    private static ThingConfig thing(String yaml) throws ConfigException {
        return new ThingConfig("m", "m", "modbus", YamlConfigReader.read("things.yaml", "id: m\ndriver: modbus\n" + yaml));
    }

    private static List<RegisterField> fields(String registers) throws ConfigException {
        return new RegisterMapReader("big", "big", java.time.Duration.ofSeconds(1))
                .read(YamlConfigReader.read("things.yaml", "registers:\n" + registers), "registers");
    }

    private static FieldValue decode(String register, int... words) throws ConfigException {
        RegisterField f = fields("  - " + register + "\n").get(0);
        return f.decode(words, null, f.address());
    }

    private static String number(FieldValue v) {
        return ((FieldValue.NumericValue) v).value().toPlainString();
    }

    @Test
    void everyTypeAndOrderDecodes() throws ConfigException {
        assertThat(number(decode("{ name: t, address: 0, type: int16, scale: 0.1, unit: C }", 0xFF38))).isEqualTo("-20.0");
        assertThat(number(decode("{ name: t, address: 0, type: uint16 }", 0xFF38))).isEqualTo("65336");
        assertThat(number(decode("{ name: t, address: 0, type: int32 }", 0xFFFF, 0xFFFE))).isEqualTo("-2");
        assertThat(number(decode("{ name: t, address: 0, type: int32, word-order: little }", 0xFFFE, 0xFFFF))).isEqualTo("-2");
        assertThat(number(decode("{ name: t, address: 0, type: uint32 }", 0x0001, 0x0000))).isEqualTo("65536");
        assertThat(number(decode("{ name: t, address: 0, type: int64 }", 0x8000, 0, 0, 0))).isEqualTo(Long.toString(Long.MIN_VALUE));
        // 230.5 as float32 is 0x43668000: ABCD, CDAB (word order little), BADC (byte order little), DCBA (both).
        assertThat(number(decode("{ name: v, address: 0, type: float32, decimals: 1 }", 0x4366, 0x8000))).isEqualTo("230.5");
        assertThat(number(decode("{ name: v, address: 0, type: float32, decimals: 1, word-order: little }", 0x8000, 0x4366))).isEqualTo("230.5");
        assertThat(number(decode("{ name: v, address: 0, type: float32, decimals: 1, byte-order: little }", 0x6643, 0x0080))).isEqualTo("230.5");
        assertThat(number(decode("{ name: v, address: 0, type: float32, decimals: 1, byte-order: little, word-order: little }", 0x0080, 0x6643)))
                .isEqualTo("230.5");
        // 1.5 as float64 is 0x3FF8000000000000.
        assertThat(number(decode("{ name: v, address: 0, type: float64, decimals: 3 }", 0x3FF8, 0, 0, 0))).isEqualTo("1.500");
        assertThat(number(decode("{ name: p, address: 0, type: uint16, scale: 0.01, offset: -40 }", 5000))).isEqualTo("10.00");
        assertThat(decode("{ name: alarm, address: 0, type: bit, bit: 3 }", 0b1000)).isEqualTo(new FieldValue.BooleanValue(true));
        assertThat(decode("{ name: alarm, address: 0, type: bit, bit: 2 }", 0b1000)).isEqualTo(new FieldValue.BooleanValue(false));
        assertThat(decode("{ name: v, address: 0, type: float32 }", 0x7FC0, 0)).as("NaN is no value").isNull();
    }

    @Test
    void writesEncodeInTheDevicesOrderAndRefuseWhatDoesNotFit() throws ConfigException {
        RegisterField setpoint = fields("  - { name: s, address: 4, type: int16, scale: 0.1, writable: true }\n").get(0);
        assertThat(setpoint.encode(new BigDecimal("-2.5"))).containsExactly(0xFFE7);
        RegisterField swapped = fields("  - { name: s, address: 4, type: float32, word-order: little, writable: true }\n").get(0);
        assertThat(swapped.encode(new BigDecimal("230.5"))).containsExactly(0x8000, 0x4366);
        RegisterField big = fields("  - { name: s, address: 4, type: uint32, byte-order: little, writable: true }\n").get(0);
        int[] words = big.encode(new BigDecimal("305419896"));
        assertThat(number(big.decode(words, null, 4))).isEqualTo("305419896");
        assertThatThrownBy(() -> fields("  - { name: s, address: 4, type: uint16, writable: true }\n").get(0).encode(new BigDecimal("70000")))
                .hasMessageContaining("does not fit a uint16");
    }

    @Test
    void writableChannelsDeclareTheirRangeFromTheTypeAndTheUser() throws ConfigException {
        Channel scaled = fields("  - { name: s, address: 0, type: uint16, scale: 0.1, unit: C, writable: true }\n").get(0).channel();
        assertThat(scaled.writable()).isTrue();
        assertThat(scaled.min()).isEqualByComparingTo("0");
        assertThat(scaled.max()).isEqualByComparingTo("6553.5");
        Channel limited = fields("  - { name: s, address: 0, type: int16, writable: true, min: 5, max: 30 }\n").get(0).channel();
        assertThat(limited.refusal("m", new FieldValue.StringValue("31"))).isEqualTo("'s' of m takes 5 to 30, not 31");
        assertThat(fields("  - { name: c, table: coil, address: 0, writable: true }\n").get(0).channel().type()).isEqualTo(Channel.Type.BOOLEAN);
        assertThat(fields("  - { name: r, table: input, address: 0 }\n").get(0).channel().writable()).isFalse();
    }

    @Test
    void adjacentRegistersAreReadInFewRequestsWithinTheProtocolsLimit() throws ConfigException {
        List<RegisterField> map = fields("""
                  - { name: a, table: input, address: 0, type: float32 }
                  - { name: b, table: input, address: 2, type: float32 }
                  - { name: c, table: input, address: 8, type: uint16 }
                  - { name: d, table: input, address: 200, type: uint16 }
                  - { name: e, table: holding, address: 0, type: uint16 }
                  - { name: f, table: holding, address: 0, type: bit, bit: 1 }
                  - { name: g, table: coil, address: 3 }
                  - { name: h, table: coil, address: 7 }
                """);
        assertThat(PollGroup.blocks(map, 0, 125)).extracting(ReadBlock::describe)
                .containsExactly("holding register 0", "input registers 0-3", "input register 8", "input register 200", "coil 3", "coil 7");
        assertThat(PollGroup.blocks(map, 4, 125)).extracting(ReadBlock::describe)
                .containsExactly("holding register 0", "input registers 0-8", "input register 200", "coils 3-7");
        // A read-through as wide as the map still keeps each request within 125 registers.
        assertThat(PollGroup.blocks(map, 124, 125)).extracting(ReadBlock::describe)
                .containsExactly("holding register 0", "input registers 0-8", "input register 200", "coils 3-7");
        assertThat(PollGroup.blocks(map, 124, 4)).extracting(ReadBlock::describe)
                .containsExactly("holding register 0", "input registers 0-3", "input register 8", "input register 200", "coils 3-7");
    }

    @Test
    void fieldsWithTheirOwnPollIntervalAreReadOnTheirOwn() throws ConfigException {
        ModbusDriver d = driver("""
                host: 127.0.0.1
                poll-interval: 5s
                registers:
                  - { name: power, table: input, address: 0, type: float32, poll-interval: 1s }
                  - { name: energy, table: input, address: 2, type: float32 }
                """);
        assertThat(d.channels()).extracting(Channel::name).containsExactly("power", "energy");
        List<PollGroup> groups = PollGroup.plan(fields("""
                  - { name: power, table: input, address: 0, type: float32, poll-interval: 1s }
                  - { name: energy, table: input, address: 2, type: float32, poll-interval: 5s }
                """), 0, 125);
        assertThat(groups).extracting(g -> g.interval().toSeconds()).containsExactly(1L, 5L);
    }

    @Test
    void impossibleMapsAreRefusedWithWhereAndWhy() {
        assertThatThrownBy(() -> fields("""
                  - { name: a, table: holding, address: 10, type: float32 }
                  - { name: b, table: holding, address: 11, type: uint16 }
                """)).isInstanceOf(ConfigException.class).hasMessageStartingWith("things.yaml:3:")
                .hasMessageContaining("'b' (holding register 11) overlaps 'a' (holding registers 10-11)");
        assertThatThrownBy(() -> fields("  - { name: a, address: 65535, type: int32 }\n")).hasMessageContaining("would run past the last address");
        assertThatThrownBy(() -> fields("  - { name: a, address: 400001 }\n")).hasMessageContaining("400001 is out of range").hasMessageContaining("subtract the table's base");
        assertThatThrownBy(() -> fields("  - { name: a, table: input, address: 0, writable: true }\n")).hasMessageContaining("can only be read");
        assertThatThrownBy(() -> fields("  - { name: a, table: coil, address: 0, type: int16 }\n")).hasMessageContaining("its type is boolean");
        assertThatThrownBy(() -> fields("  - { name: a, address: 0, type: boolean }\n")).hasMessageContaining("type: bit");
        assertThatThrownBy(() -> fields("  - { name: a, address: 0, type: bit, bit: 16 }\n")).hasMessageContaining("expected 0 to 15");
        assertThatThrownBy(() -> fields("  - { name: a, address: 0, type: bit, bit: 1, writable: true }\n")).hasMessageContaining("cannot be written on its own");
        assertThatThrownBy(() -> fields("  - { name: a, address: 0, scale: 0 }\n")).hasMessageContaining("scale of 0");
        assertThatThrownBy(() -> fields("  - { name: a, address: 0 }\n  - { name: a, address: 1 }\n")).hasMessageContaining("already a field");
        assertThatThrownBy(() -> fields("  - { name: a, address: 0, type: bit, bit: 1 }\n  - { name: b, address: 0, type: bit, bit: 1 }\n"))
                .hasMessageContaining("overlaps");
    }

    @Test
    void unitIdsAndTransportsAreChecked() {
        assertThatThrownBy(() -> driver("port: /dev/ttyUSB0\nunit: 0\nprofile: sdm120\n")).hasMessageContaining("expected 1 to 247");
        assertThatThrownBy(() -> driver("port: /dev/ttyUSB0\nunit: 248\nprofile: sdm120\n")).hasMessageContaining("expected 1 to 247");
        assertThatThrownBy(() -> driver("port: /dev/ttyUSB0\nhost: 10.0.0.2\nprofile: sdm120\n")).hasMessageContaining("not both");
        assertThatThrownBy(() -> driver("profile: sdm120\n")).hasMessageContaining("needs port:");
        assertThatThrownBy(() -> driver("host: 10.0.0.2\nbaud: 9600\nprofile: sdm120\n")).hasMessageContaining("serial line setting");
        assertThatThrownBy(() -> driver("host: 10.0.0.2\nprofile: sdm999\n")).hasMessageContaining("sdm120, sdm630, xy-md02");
    }

    @Test
    void thingsOnOneBusNeedTheirOwnUnitIdsAndOneLineSetting() throws ConfigException {
        ModbusDriverFactory f = new ModbusDriverFactory();
        ThingConfig meter = thing("port: /dev/ttyUSB0\nunit: 1\nprofile: sdm120\n");
        f.checkTogether(List.of(meter, thing("port: /dev/ttyUSB0\nunit: 2\nbaud: 2400\nprofile: xy-md02\n"),
                thing("port: /dev/ttyUSB1\nunit: 1\nprofile: xy-md02\n"), thing("host: 10.0.0.5\nunit: 1\nprofile: sdm630\n")));
        assertThatThrownBy(() -> f.checkTogether(List.of(meter, thing("port: /dev/ttyUSB0\nbaud: 2400\nunit: 1\nprofile: xy-md02\n"))))
                .hasMessageContaining("unit 1 on /dev/ttyUSB0 is already 'm'");
        assertThatThrownBy(() -> f.checkTogether(List.of(meter, thing("port: /dev/ttyUSB0\nunit: 2\nprofile: xy-md02\n"))))
                .hasMessageContaining("asks for 9600 8N1").hasMessageContaining("for 2400 8N1").hasMessageContaining("share its line settings");
    }

    @Test
    void stockProfilesLoadWithTheirDatasheetsRegisters() throws ConfigException {
        ModbusDriver meter = driver("port: /dev/ttyUSB0\nprofile: sdm630\n");
        assertThat(meter.channels()).extracting(Channel::name).contains("l1-voltage", "total-power", "import-energy", "total-energy");
        assertThat(driver("port: /dev/ttyUSB0\nprofile: sdm120\n").channels()).filteredOn(c -> c.name().equals("total-energy"))
                .singleElement().satisfies(c -> assertThat(c.unit()).isEqualTo("kWh"));
        ModbusDriver probe = driver("port: /dev/ttyUSB0\nprofile: xy-md02\n");
        assertThat(probe.channels()).filteredOn(Channel::writable).extracting(Channel::name)
                .containsExactly("temperature-correction", "humidity-correction");
    }
}
