package org.xmppiot.drivers.i2c;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.xmppiot.core.testing.Await;
import org.xmppiot.core.testing.RecordingSink;
import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.config.YamlConfigReader;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Quality;
import org.xmppiot.core.model.Reading;

import com.pi4j.io.i2c.I2C;

/**
 * The BME280 driver through Pi4J's mock I2C, whose registers are queues the test fills as the chip
 * would answer. Calibration and raw values are the datasheet's compensation example (temperature and
 * pressure: t_fine 128422, 25.08 °C, 100653.25 Pa); humidity is checked against the datasheet's
 * floating-point formula.
 */
class Bme280DriverTest {

    /** dig_T1..dig_P9 little-endian, 0xA0 unused, dig_H1 = 75. */
    private static final int[] CALIB_TP = {0x70, 0x6B, 0x43, 0x67, 0x18, 0xFC, 0x7D, 0x8E, 0x43, 0xD6, 0xD0, 0x0B, 0x27, 0x0B,
        0x8C, 0x00, 0xF9, 0xFF, 0x8C, 0x3C, 0xF8, 0xC6, 0x70, 0x17, 0x00, 75};
    /** dig_H2 = 362, dig_H3 = 0, dig_H4 = 313, dig_H5 = 50, dig_H6 = 30 (H4/H5 share 0xE5). */
    private static final int[] CALIB_H = {0x6A, 0x01, 0x00, 0x13, 0x29, 0x03, 0x1E};
    private static final int ADC_T = 519888;
    private static final int ADC_P = 415148;
    private static final int ADC_H = 27000;

    private static Bme280Driver driver(String yaml) throws ConfigException {
        ConfigNode s = YamlConfigReader.read("test.yaml", "id: attic\ndriver: bme280\nplatform: mock\n" + yaml);
        return (Bme280Driver) new Bme280DriverFactory().create(new ThingConfig("attic", "attic", "bme280", s));
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static void answerOneMeasurement(I2C chip) {
        chip.writeRegister(0xF7, bytes(ADC_P >> 12, ADC_P >> 4, ADC_P << 4, ADC_T >> 12, ADC_T >> 4, ADC_T << 4, ADC_H >> 8, ADC_H));
    }

    @Test
    void compensatesTheDatasheetExampleAndRecoversFromAChipThatDidNotAnswer() throws Exception {
        RecordingSink sink = new RecordingSink();
        List<Reading> got = sink.readings();
        Bme280Driver d = driver("interval: 1s\n");
        try {
            d.start(sink);
            Await.until("a status", () -> sink.lastStatus() != null);
            // Nothing answered yet: offline with the reason, no values, and the driver keeps trying.
            assertThat(got).isEmpty();
            assertThat(sink.lastStatus().state()).isEqualTo(ThingStatus.State.OFFLINE);
            assertThat(sink.lastStatus().reason()).startsWith("no answer on I2C bus 1 at 0x76");
            assertThat(d.rejected()).containsKey("no-answer");

            I2C chip = d.device();
            chip.writeRegister(0xD0, (byte) Bme280Driver.CHIP_ID_BME280);
            chip.writeRegister(0x88, bytes(CALIB_TP));
            chip.writeRegister(0xE1, bytes(CALIB_H));
            answerOneMeasurement(chip);
            Await.until("a reading", () -> got.size() >= 1);
            Reading r = got.get(0);
            assertThat(r.field("temperature").value()).isEqualTo(new FieldValue.NumericValue(new BigDecimal("25.08"), "°C"));
            assertThat(r.field("pressure").value()).isEqualTo(new FieldValue.NumericValue(new BigDecimal("1006.53"), "hPa"));
            double humidity = ((FieldValue.NumericValue) r.field("humidity").value()).value().doubleValue();
            assertThat(humidity).isCloseTo(datasheetHumidityDouble(128422, ADC_H), within(0.1));
            assertThat(sink.lastStatus()).isEqualTo(ThingStatus.online());
            // It asked for one forced measurement with x1 oversampling.
            assertThat(chip.readRegister(0xF2)).isEqualTo(Bme280Driver.CTRL_HUM_X1);
            assertThat(chip.readRegister(0xF4)).isEqualTo(Bme280Driver.CTRL_MEAS_FORCED_X1);
        } finally {
            d.close();
        }
    }

    /** The datasheet's double-precision humidity formula (8.1), an independent check of the fixed-point one. */
    private static double datasheetHumidityDouble(int tFine, int adcH) {
        double h1 = 75, h2 = 362, h3 = 0, h4 = 313, h5 = 50, h6 = 30;
        double v = tFine - 76800.0;
        v = (adcH - (h4 * 64.0 + h5 / 16384.0 * v)) * (h2 / 65536.0 * (1.0 + h6 / 67108864.0 * v * (1.0 + h3 / 67108864.0 * v)));
        v = v * (1.0 - h1 * v / 524288.0);
        return Math.max(0, Math.min(100, v));
    }

    @Test
    void calibrationWordsAndTheSharedTwelveBitHumidityParametersAreReadWithTheirSigns() {
        Bme280Calibration c = Bme280Calibration.parse(bytes(CALIB_TP), bytes(0x6A, 0x01, 0x00, 0xF3, 0xE9, 0xFC, 0xE2));
        assertThat(c.t1()).isEqualTo(27504);
        assertThat(c.t3()).isEqualTo(-1000);
        assertThat(c.p8()).isEqualTo(-14600);
        assertThat(c.h1()).isEqualTo(75);
        assertThat(c.h4()).isEqualTo((0xF3 - 256) * 16 + 9);   // E4 signed high byte, E5 low nibble
        assertThat(c.h5()).isEqualTo((0xFC - 256) * 16 + 0xE); // E6 signed high byte, E5 high nibble
        assertThat(c.h6()).isEqualTo(-30);
        assertThat(Bme280Calibration.parse(bytes(CALIB_TP), null).hasHumidity()).isFalse();
    }

    @Test
    void aWrongAddressIsRefusedWithTheTwoRightOnes() {
        ConfigException e = assertThrows(ConfigException.class, () -> driver("address: 0x40\n"));
        assertThat(e.getMessage()).contains("address").contains("0x76").contains("0x77");
    }
}
