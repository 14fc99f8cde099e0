package org.xmppiot.drivers.onewire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.core.model.Channel;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.Driver;
import org.xmppiot.core.spi.ReadingSink;
import org.xmppiot.drivers.common.PeriodicTask;
import org.xmppiot.drivers.common.Rejections;

/**
 * DS18B20 temperature sensors on the 1-Wire bus, read through the kernel's w1 files. Each interval
 * gives one reading with a field per sensor; a sensor whose value is unusable (CRC failure, the 85 °C
 * power-on value, gone from the bus) is left out of that reading and counted, and the thing's status
 * names the sensors in trouble: online with a note while some answer, offline when none does.
 */
final class OneWireDriver implements Driver {

    private static final Logger log = LoggerFactory.getLogger(OneWireDriver.class);

    /** One configured sensor: its bus id ({@code 28-...}) and the field it fills. */
    record Sensor(String device, String field) {
    }

    private final String thingId;
    private final Path devices;
    private final Duration interval;
    private final List<Sensor> sensors;
    private final Rejections rejections;
    private PeriodicTask task;
    private long sequence;

    OneWireDriver(String thingId, Path devices, Duration interval, List<Sensor> sensors) {
        this.thingId = thingId;
        this.devices = devices;
        this.interval = interval;
        this.sensors = List.copyOf(sensors);
        this.rejections = new Rejections(thingId, "1-Wire value");
    }

    @Override
    public synchronized void start(ReadingSink sink) {
        if (task != null) {
            throw new IllegalStateException("driver for " + thingId + " already started");
        }
        task = PeriodicTask.start("onewire-" + thingId, interval, () -> sample(sink));
        log.info("thing={} driver=onewire started sensors={} path={}", thingId, sensors.size(), devices);
    }

    /** One temperature per configured sensor, read only. */
    @Override
    public List<Channel> channels() {
        return sensors.stream().map(s -> Channel.number(s.field(), "°C", 3)).toList();
    }

    /** The kind of the first sensor's trouble: not on the bus, not readable, or a value that is no measurement. */
    private static ThingStatus.Detail detailOf(String rejection) {
        return switch (rejection) {
            case "missing" -> ThingStatus.Detail.DEVICE_MISSING;
            case "read-error" -> ThingStatus.Detail.IO_ERROR;
            default -> ThingStatus.Detail.BAD_DATA;
        };
    }

    private void sample(ReadingSink sink) {
        List<Field> fields = new ArrayList<>();
        List<String> troubles = new ArrayList<>();
        ThingStatus.Detail kind = ThingStatus.Detail.NONE;
        for (Sensor s : sensors) {
            W1SlaveFile.Result r = read(s);
            if (r.celsius() != null) {
                fields.add(Field.readout(s.field(), new FieldValue.NumericValue(r.celsius(), "°C")));
            } else {
                rejections.count(r.rejection(), () -> s.device() + ": " + r.detail());
                troubles.add(s.field() + ": " + r.rejection());
                kind = kind == ThingStatus.Detail.NONE ? detailOf(r.rejection()) : kind;
            }
        }
        String trouble = String.join(", ", troubles);
        sink.status(thingId, troubles.isEmpty() ? ThingStatus.online()
                : troubles.size() == sensors.size() ? ThingStatus.offline(kind, trouble) : ThingStatus.online(kind, trouble));
        if (!fields.isEmpty()) {
            sink.accept(new Reading(thingId, ++sequence, Instant.now().truncatedTo(ChronoUnit.MILLIS), fields));
        }
    }

    private W1SlaveFile.Result read(Sensor s) {
        Path file = devices.resolve(s.device()).resolve("w1_slave");
        try {
            return W1SlaveFile.parse(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            return W1SlaveFile.Result.rejected("missing", file + " does not exist: the sensor is not on the bus "
                    + "(check wiring and the 4.7 kΩ pull-up; is dtoverlay=w1-gpio in config.txt?)");
        } catch (IOException e) {
            return W1SlaveFile.Result.rejected("read-error", "reading " + file + " failed: " + e.getMessage());
        }
    }

    /** Unusable values by kind so far. */
    @Override
    public Map<String, Long> rejected() {
        return rejections.snapshot();
    }

    @Override
    public synchronized void close() {
        if (task != null) {
            task.close();
            task = null;
        }
    }
}
