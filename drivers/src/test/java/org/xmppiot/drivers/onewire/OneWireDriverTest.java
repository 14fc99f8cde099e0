package org.xmppiot.drivers.onewire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.xmppiot.core.testing.Await;
import org.xmppiot.core.testing.RecordingSink;
import org.xmppiot.core.model.ThingStatus;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.config.YamlConfigReader;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Quality;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.DriverRegistry;

/** DS18B20 sensors against a fake w1 sysfs tree in a temp directory, written as the kernel writes it. */
class OneWireDriverTest {

    private static final String WATER = "28-0316a2795aff";
    private static final String AIR = "28-0416b3895a01";

    @TempDir
    Path devices;

    private ThingConfig thing(String sensors) throws ConfigException {
        ConfigNode section = YamlConfigReader.read("test.yaml", """
                id: tank
                driver: onewire
                interval: 1s
                devices-path: %s
                sensors:
                %s""".formatted(devices, sensors));
        return new ThingConfig("tank", "tank", "onewire", section);
    }

    private void sensor(String id, String crcVerdict, int millidegrees) throws Exception {
        Path dir = Files.createDirectories(devices.resolve(id));
        Files.writeString(dir.resolve("w1_slave"), "72 01 4b 46 7f ff 0e 10 57 : crc=57 " + crcVerdict + "\n"
                + "72 01 4b 46 7f ff 0e 10 57 t=" + millidegrees + "\n");
    }

    private final RecordingSink sink = new RecordingSink();

    private Reading firstReading(OneWireDriver driver) throws Exception {
        sink.readings().clear();
        sink.statuses().clear();
        driver.start(sink);
        try {
            Await.until("the first reading and status", () -> !sink.readings().isEmpty() && !sink.statuses().isEmpty());
        } finally {
            driver.close();
        }
        return sink.readings().get(0);
    }

    /** The first sample that finds no sensor gives a status, and no reading. */
    private ThingStatus firstStatus(OneWireDriver driver) throws Exception {
        sink.statuses().clear();
        driver.start(sink);
        try {
            Await.until("the first status", () -> !sink.statuses().isEmpty());
        } finally {
            driver.close();
        }
        return sink.statuses().get(0);
    }

    private OneWireDriver driver() throws Exception {
        return (OneWireDriver) new OneWireDriverFactory().create(thing("""
                  - { device: %s, field: water }
                  - { device: %s, field: air }
                """.formatted(WATER, AIR)));
    }

    @Test
    void readsEachSensorInDegreesWithTheKernelsThreeDecimals() throws Exception {
        sensor(WATER, "YES", 23125);
        sensor(AIR, "YES", -10062);
        Reading r = firstReading(driver());
        assertThat(r.field("water").value()).isEqualTo(new FieldValue.NumericValue(new BigDecimal("23.125"), "°C"));
        assertThat(r.field("air").value()).isEqualTo(new FieldValue.NumericValue(new BigDecimal("-10.062"), "°C"));
        assertThat(sink.statuses().get(0)).isEqualTo(ThingStatus.online());
    }

    @Test
    void aCrcFailureThePowerOnValueAndAMissingSensorAreLeftOutCountedAndReported() throws Exception {
        sensor(WATER, "NO", 23125);
        sensor(AIR, "YES", 85000);
        OneWireDriver crcAndPowerOn = driver();
        // No sensor answers: no reading, and the thing is offline naming each sensor's trouble.
        assertThat(firstStatus(crcAndPowerOn)).isEqualTo(ThingStatus.offline(ThingStatus.Detail.BAD_DATA, "water: bad-crc, air: power-on-value"));
        assertThat(sink.readings()).isEmpty();
        assertThat(crcAndPowerOn.rejected()).containsEntry("bad-crc", 1L).containsEntry("power-on-value", 1L);

        Files.delete(devices.resolve(AIR).resolve("w1_slave"));
        Files.delete(devices.resolve(AIR));
        sensor(WATER, "YES", 4500);
        OneWireDriver oneGone = driver();
        Reading partial = firstReading(oneGone);
        // The sensor that answers is still read.
        assertThat(partial.field("water").value()).isEqualTo(new FieldValue.NumericValue(new BigDecimal("4.500"), "°C"));
        assertThat(sink.statuses().get(0)).isEqualTo(ThingStatus.online(ThingStatus.Detail.DEVICE_MISSING, "air: missing"));
        assertThat(oneGone.rejected()).containsEntry("missing", 1L);
    }

    @Test
    void garbledFilesAreRejectedWithTheirReason() {
        assertThat(W1SlaveFile.parse("").rejection()).isEqualTo("short-read");
        assertThat(W1SlaveFile.parse("72 01 : crc=57 YES\n72 01 t=abc\n").rejection()).isEqualTo("garbled");
        assertThat(W1SlaveFile.parse("72 01 : crc=57 YES\n72 01 t=130000\n").rejection()).isEqualTo("out-of-range");
        assertThat(W1SlaveFile.parse("72 01 : crc=57 YES\n72 01 t=0\n").celsius()).isEqualByComparingTo("0");
    }

    @Test
    void configMistakesNameTheKeyAndTheRightForm() throws Exception {
        ConfigException badId = assertThrows(ConfigException.class, () -> new OneWireDriverFactory().create(thing("""
                  - { device: 10-000802b5b5e7, field: water }
                """)));
        assertThat(badId.getMessage()).contains("sensors[0].device").contains("is not a DS18B20 id");
        ConfigException twice = assertThrows(ConfigException.class, () -> new OneWireDriverFactory().create(thing("""
                  - { device: %s, field: water }
                  - { device: %s, field: water }
                """.formatted(WATER, AIR))));
        assertThat(twice.getMessage()).contains("'water' is already used");
        assertThat(DriverRegistry.fromClassPath().find(YamlConfigReader.read("t.yaml", "driver: onewire\n").get("driver")))
                .isInstanceOf(OneWireDriverFactory.class);
    }
}
