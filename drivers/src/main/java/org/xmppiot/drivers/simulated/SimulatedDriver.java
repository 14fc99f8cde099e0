package org.xmppiot.drivers.simulated;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.model.Channel;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.Driver;
import org.xmppiot.core.spi.ReadingSink;
import org.xmppiot.drivers.common.PeriodicTask;

/** Produces readings from waveforms at a fixed interval, so the gateway runs without any hardware. */
final class SimulatedDriver implements Driver {

    private static final Logger log = LoggerFactory.getLogger(SimulatedDriver.class);

    private final String thingId;
    private final Duration interval;
    private final List<SimulatedField> fields;
    private PeriodicTask task;
    private long sequence;
    private long startNanos;

    SimulatedDriver(String thingId, Duration interval, List<SimulatedField> fields) {
        this.thingId = thingId;
        this.interval = interval;
        this.fields = List.copyOf(fields);
    }

    @Override
    public synchronized void start(ReadingSink sink) {
        if (task != null) {
            throw new IllegalStateException("driver for " + thingId + " already started");
        }
        startNanos = System.nanoTime();
        sink.status(thingId, ThingStatus.online()); // Before the first sample: the status comes first on the bus.
        task = PeriodicTask.start("simulated-" + thingId, interval, () -> sample(sink));
        log.info("thing={} driver=simulated started interval={}ms fields={}", thingId, interval.toMillis(), fields.size());
    }

    @Override
    public List<Channel> channels() {
        return fields.stream().map(SimulatedField::channel).toList();
    }

    private void sample(ReadingSink sink) {
        try {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            List<Field> values = new ArrayList<>(fields.size());
            for (SimulatedField f : fields) {
                values.add(f.sample(seconds));
            }
            // Milliseconds: what XMPP clients show and what the item ids are made of.
            sink.accept(new Reading(thingId, ++sequence, Instant.now().truncatedTo(ChronoUnit.MILLIS), values));
        } catch (RuntimeException e) {
            // A failure here would cancel the schedule for good; log it and keep sampling.
            log.warn("thing={} driver=simulated sample failed: {}", thingId, e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (task == null) {
            return;
        }
        task.close();
    }
}
