package org.xmppiot.drivers.i2c;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.model.Channel;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.Driver;
import org.xmppiot.core.spi.ReadingSink;
import org.xmppiot.drivers.common.PeriodicTask;
import org.xmppiot.drivers.common.Rejections;
import org.xmppiot.drivers.pi4j.GpioPlatform;

import com.pi4j.context.Context;
import com.pi4j.io.i2c.I2C;

/**
 * A Bosch BME280 (or BMP280, without humidity) on an I2C bus: every interval one forced measurement
 * (oversampling x1, the datasheet's weather-monitoring setting), compensated with the chip's own
 * calibration. The status field {@code i2c} says whether the chip answers.
 */
final class Bme280Driver implements Driver {

    private static final Logger log = LoggerFactory.getLogger(Bme280Driver.class);
    static final int CHIP_ID_BME280 = 0x60;
    static final int CHIP_ID_BMP280 = 0x58;
    private static final int REG_CALIB_TP = 0x88;
    private static final int REG_CHIP_ID = 0xD0;
    private static final int REG_CALIB_H = 0xE1;
    private static final int REG_CTRL_HUM = 0xF2;
    private static final int REG_CTRL_MEAS = 0xF4;
    private static final int REG_DATA = 0xF7;
    /** Humidity x1; then temperature x1, pressure x1, forced mode: one measurement, then sleep. */
    static final int CTRL_HUM_X1 = 0x01;
    static final int CTRL_MEAS_FORCED_X1 = 0x25;
    /** Longest time of one x1 measurement of all three (datasheet 9.1: 9.3 ms). */
    private static final long MEASURE_MILLIS = 10;

    private final String thingId;
    private final GpioPlatform.Kind platform;
    private final GpioPlatform platforms;
    private final int bus;
    private final int address;
    private final Duration interval;
    private final Rejections rejections;
    private Context context;
    private I2C device;
    private Bme280Compensation compensation;
    private boolean humidity;
    private PeriodicTask task;
    private long sequence;

    Bme280Driver(String thingId, GpioPlatform.Kind platform, GpioPlatform platforms, int bus, int address, Duration interval) {
        this.thingId = thingId;
        this.platforms = platforms;
        this.platform = platform;
        this.bus = bus;
        this.address = address;
        this.interval = interval;
        this.rejections = new Rejections(thingId, "BME280 measurement");
    }

    @Override
    public synchronized void start(ReadingSink sink) {
        if (context != null) {
            throw new IllegalStateException("driver for " + thingId + " already started");
        }
        context = platforms.acquire(platform);
        device = context.create(I2C.newConfigBuilder(context).id(thingId + ".i2c").bus(bus).device(address).build());
        task = PeriodicTask.start("bme280-" + thingId, interval, () -> sample(sink));
        log.info("thing={} driver=bme280 platform={} bus={} address=0x{}", thingId, platform.configName(), bus, Integer.toHexString(address));
    }

    /** Temperature, pressure and (on a BME280, not a BMP280) humidity; all read only. */
    @Override
    public List<Channel> channels() {
        return List.of(Channel.number("temperature", "°C", 2), Channel.number("pressure", "hPa", 2), Channel.number("humidity", "%", 3));
    }

    private void sample(ReadingSink sink) {
        List<Field> fields = new ArrayList<>();
        String status;
        try {
            if (compensation == null) {
                compensation = new Bme280Compensation(calibration());
            }
            measure(fields);
            status = null;
        } catch (RuntimeException e) {
            status = "no answer on I2C bus " + bus + " at 0x" + Integer.toHexString(address) + ": " + e.getMessage();
            rejections.count("no-answer", () -> "bus " + bus + " address 0x" + Integer.toHexString(address) + ": " + e.getMessage());
        }
        sink.status(thingId, status == null ? ThingStatus.online() : ThingStatus.offline(ThingStatus.Detail.NO_ANSWER, status));
        if (!fields.isEmpty()) {
            sink.accept(new Reading(thingId, ++sequence, Instant.now().truncatedTo(ChronoUnit.MILLIS), fields));
        }
    }

    /** Checks what chip answers and reads its calibration; anything else is an error naming what was found. */
    private Bme280Calibration calibration() {
        int id = device.readRegister(REG_CHIP_ID) & 0xFF;
        if (id != CHIP_ID_BME280 && id != CHIP_ID_BMP280) {
            throw new IllegalStateException("chip id 0x" + Integer.toHexString(id) + " is not a BME280 (0x60) or BMP280 (0x58)");
        }
        humidity = id == CHIP_ID_BME280;
        byte[] tp = new byte[26];
        readBlock(REG_CALIB_TP, tp);
        byte[] h = null;
        if (humidity) {
            h = new byte[7];
            readBlock(REG_CALIB_H, h);
        }
        log.info("thing={} found a {} on bus {} at 0x{}", thingId, humidity ? "BME280" : "BMP280 (no humidity)", bus,
                Integer.toHexString(address));
        return Bme280Calibration.parse(tp, h);
    }

    private void measure(List<Field> fields) {
        if (humidity) {
            device.writeRegister(REG_CTRL_HUM, (byte) CTRL_HUM_X1); // Takes effect with the next ctrl_meas write.
        }
        device.writeRegister(REG_CTRL_MEAS, (byte) CTRL_MEAS_FORCED_X1);
        try {
            Thread.sleep(MEASURE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        byte[] d = new byte[8];
        readBlock(REG_DATA, d);
        int adcP = (d[0] & 0xFF) << 12 | (d[1] & 0xFF) << 4 | (d[2] & 0xFF) >> 4;
        int adcT = (d[3] & 0xFF) << 12 | (d[4] & 0xFF) << 4 | (d[5] & 0xFF) >> 4;
        int adcH = (d[6] & 0xFF) << 8 | (d[7] & 0xFF);
        if (adcT == Bme280Compensation.SKIPPED_TP) {
            rejections.count("not-measured", () -> "the chip returned no temperature (is it in sleep mode?)");
            return;
        }
        int tFine = compensation.tFine(adcT);
        fields.add(Field.readout("temperature", new FieldValue.NumericValue(compensation.temperature(tFine), "°C")));
        BigDecimal hpa = adcP == Bme280Compensation.SKIPPED_TP ? null : compensation.pressure(adcP, tFine);
        if (hpa != null) {
            fields.add(Field.readout("pressure", new FieldValue.NumericValue(hpa, "hPa")));
        }
        if (humidity && adcH != Bme280Compensation.SKIPPED_H) {
            fields.add(Field.readout("humidity", new FieldValue.NumericValue(compensation.humidity(adcH, tFine), "%")));
        }
    }

    private void readBlock(int register, byte[] into) {
        int n = device.readRegister(register, into, 0, into.length);
        if (n != into.length) {
            throw new IllegalStateException("read " + n + " of " + into.length + " bytes from register 0x" + Integer.toHexString(register));
        }
    }

    @Override
    public Map<String, Long> rejected() {
        return rejections.snapshot();
    }

    /** Test view: the Pi4J device behind this thing. */
    synchronized I2C device() {
        return device;
    }

    @Override
    public synchronized void close() {
        if (context == null) {
            return;
        }
        task.close();
        try {
            context.shutdown(device.id());
        } catch (RuntimeException e) {
            log.debug("thing={} i2c shutdown: {}", thingId, e.toString());
        }
        platforms.release(platform);
        context = null;
    }
}
