package org.xmppiot.drivers.gpio;

import org.xmppiot.drivers.pi4j.GpioPlatform;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.model.Channel;
import org.xmppiot.core.model.Command;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.core.spi.CommandRejectedException;
import org.xmppiot.core.spi.CommandRejectedException.Reason;
import org.xmppiot.core.spi.Driver;
import org.xmppiot.core.spi.ReadingSink;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.io.pwm.Pwm;
import com.pi4j.io.pwm.PwmType;

/**
 * A thing made of header pins: inputs reported on every clean edge, pulse counters reported with
 * their total and rate, and outputs and PWM channels that change only by command and are put in
 * their safe state when the driver starts and when it stops.
 */
final class GpioDriver implements Driver {

    private static final Logger log = LoggerFactory.getLogger(GpioDriver.class);

    record Input(String name, int pin, PullResistance pull, Duration debounce, boolean invert) {
    }

    record Counter(String name, int pin, PullResistance pull, Duration debounce, boolean rising, BigDecimal perPulse,
                   String unit, Duration ratePer, String rateUnit) {
    }

    record Output(String name, int pin, boolean safe) {
    }

    record PwmChannel(String name, int pin, int frequency, BigDecimal safe) {
    }

    record Pins(List<Input> inputs, List<Counter> counters, Duration counterInterval, List<Output> outputs, List<PwmChannel> pwm) {
    }

    private final String thingId;
    private final GpioPlatform.Kind platform;
    private final Pins pins;
    private final Map<String, DigitalOutput> outputs = new LinkedHashMap<>();
    private final Map<String, Pwm> pwms = new LinkedHashMap<>();
    private final Map<String, AtomicLong> pulses = new LinkedHashMap<>();
    private final List<String> ioIds = new ArrayList<>();
    private final GpioPlatform platforms;
    private Context context;
    private ScheduledExecutorService timer;
    private ReadingSink sink;
    private long sequence;
    private final Map<String, Long> lastTotals = new LinkedHashMap<>();

    GpioDriver(String thingId, GpioPlatform.Kind platform, GpioPlatform platforms, Pins pins) {
        this.thingId = thingId;
        this.platforms = platforms;
        this.platform = platform;
        this.pins = pins;
    }

    @Override
    public synchronized void start(ReadingSink readingSink) {
        if (context != null) {
            throw new IllegalStateException("driver for " + thingId + " already started");
        }
        this.sink = readingSink;
        context = platforms.acquire(platform);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gpio-" + thingId);
            t.setDaemon(true);
            return t;
        });
        List<Field> initial = new ArrayList<>();
        for (Output o : pins.outputs()) {
            DigitalOutput out = context.create(DigitalOutput.newConfigBuilder(context).id(id(o.name())).address(o.pin())
                    .initial(state(o.safe())).shutdown(state(o.safe())).build());
            out.state(state(o.safe())); // Safe from the first moment, whatever the pin did before.
            outputs.put(o.name(), out);
            initial.add(Field.readout(o.name(), new FieldValue.BooleanValue(o.safe())));
        }
        for (PwmChannel p : pins.pwm()) {
            Pwm pwm = context.create(Pwm.newConfigBuilder(context).id(id(p.name())).address(p.pin()).pwmType(PwmType.HARDWARE)
                    .frequency(p.frequency()).initial(p.safe()).shutdown(p.safe()).build());
            setDuty(pwm, p.safe());
            pwms.put(p.name(), pwm);
            initial.add(Field.readout(p.name(), new FieldValue.NumericValue(p.safe(), "%")));
        }
        for (Input i : pins.inputs()) {
            DigitalInput in = input(i.name(), i.pin(), i.pull());
            boolean level = in.state().isHigh();
            Debouncer d = new Debouncer(i.debounce(), level, () -> in.state().isHigh(), timer,
                    (high, at) -> emit(at, List.of(Field.readout(i.name(), new FieldValue.BooleanValue(high != i.invert())))));
            in.addListener(event -> d.raw());
            initial.add(Field.readout(i.name(), new FieldValue.BooleanValue(level != i.invert())));
        }
        for (Counter c : pins.counters()) {
            DigitalInput in = input(c.name(), c.pin(), c.pull());
            AtomicLong count = new AtomicLong();
            pulses.put(c.name(), count);
            lastTotals.put(c.name(), 0L);
            Debouncer d = new Debouncer(c.debounce(), in.state().isHigh(), () -> in.state().isHigh(), timer, (high, at) -> {
                if (high == c.rising()) {
                    count.incrementAndGet();
                }
            });
            in.addListener(event -> d.raw());
        }
        if (!pins.counters().isEmpty()) {
            long every = pins.counterInterval().toNanos();
            timer.scheduleAtFixedRate(this::reportCounters, every, every, TimeUnit.NANOSECONDS);
        }
        if (!initial.isEmpty()) {
            emit(Instant.now(), initial);
        }
        sink.status(thingId, ThingStatus.online()); // Every pin is claimed: from here on, edges are read.
        log.info("thing={} driver=gpio platform={} inputs={} counters={} outputs={} pwm={}", thingId, platform.configName(),
                pins.inputs().size(), pins.counters().size(), pins.outputs().size(), pins.pwm().size());
    }

    /** Inputs as on/off, counters as total and rate, outputs settable on/off, PWM settable 0-100 %. */
    @Override
    public List<Channel> channels() {
        List<Channel> channels = new ArrayList<>();
        pins.inputs().forEach(i -> channels.add(Channel.bool(i.name())));
        for (Counter c : pins.counters()) {
            channels.add(Channel.number(c.name(), c.unit(), c.perPulse().scale()));
            channels.add(Channel.number(c.name() + "-rate", c.rateUnit(), 3));
        }
        pins.outputs().forEach(o -> channels.add(Channel.bool(o.name()).settable()));
        pins.pwm().forEach(p -> channels.add(Channel.number(p.name(), "%", 1).settable(BigDecimal.ZERO, BigDecimal.valueOf(100))));
        return channels;
    }

    private DigitalInput input(String name, int pin, PullResistance pull) {
        return context.create(DigitalInput.newConfigBuilder(context).id(id(name)).address(pin).pull(pull).debounce(0L).build());
    }

    private String id(String name) {
        String id = thingId + "." + name;
        ioIds.add(id);
        return id;
    }

    private static DigitalState state(boolean high) {
        return high ? DigitalState.HIGH : DigitalState.LOW;
    }

    /** Each counter's total and its rate over the last interval, in the configured units. */
    private void reportCounters() {
        List<Field> fields = new ArrayList<>();
        double seconds = pins.counterInterval().toNanos() / 1e9;
        for (Counter c : pins.counters()) {
            long total = pulses.get(c.name()).get();
            long inInterval = total - lastTotals.put(c.name(), total);
            BigDecimal amount = c.perPulse().multiply(BigDecimal.valueOf(total));
            BigDecimal rate = c.perPulse().multiply(BigDecimal.valueOf(inInterval))
                    .multiply(BigDecimal.valueOf(c.ratePer().toNanos() / 1e9 / seconds))
                    .setScale(Math.max(3, c.perPulse().scale()), RoundingMode.HALF_UP);
            fields.add(Field.readout(c.name(), new FieldValue.NumericValue(amount, c.unit())));
            fields.add(Field.readout(c.name() + "-rate", new FieldValue.NumericValue(rate, c.rateUnit())));
        }
        emit(Instant.now(), fields);
    }

    private synchronized void emit(Instant at, List<Field> fields) {
        if (sink != null) {
            sink.accept(new Reading(thingId, ++sequence, at, fields));
        }
    }

    @Override
    public synchronized void execute(Command command) throws CommandRejectedException {
        if (context == null) {
            throw new CommandRejectedException(Reason.FAILED, "thing '" + thingId + "' is not running");
        }
        DigitalOutput out = outputs.get(command.field());
        if (out != null) {
            boolean high = onOff(command.value());
            out.state(state(high));
            emit(Instant.now(), List.of(Field.readout(command.field(), new FieldValue.BooleanValue(high))));
            return;
        }
        Pwm pwm = pwms.get(command.field());
        if (pwm != null) {
            BigDecimal duty = percent(command.value());
            setDuty(pwm, duty);
            emit(Instant.now(), List.of(Field.readout(command.field(), new FieldValue.NumericValue(duty, "%"))));
            return;
        }
        boolean readable = pins.inputs().stream().anyMatch(i -> i.name().equals(command.field()))
                || pins.counters().stream().anyMatch(c -> command.field().equals(c.name()) || command.field().equals(c.name() + "-rate"));
        throw readable
                ? new CommandRejectedException(Reason.READ_ONLY, "'" + command.field() + "' of " + thingId + " is an input; it can only be read")
                : new CommandRejectedException(Reason.UNKNOWN_FIELD, thingId + " has no output '" + command.field() + "'; it has "
                        + (outputs.isEmpty() && pwms.isEmpty() ? "none" : String.join(", ", names())));
    }

    private List<String> names() {
        List<String> all = new ArrayList<>(outputs.keySet());
        all.addAll(pwms.keySet());
        return all;
    }

    private static boolean onOff(FieldValue v) throws CommandRejectedException {
        if (v instanceof FieldValue.BooleanValue b) {
            return b.value();
        }
        if (v instanceof FieldValue.IntegerValue i && (i.value() == 0 || i.value() == 1)) {
            return i.value() == 1;
        }
        if (v instanceof FieldValue.NumericValue n && (n.value().signum() == 0 || n.value().compareTo(BigDecimal.ONE) == 0)) {
            return n.value().signum() != 0;
        }
        if (v instanceof FieldValue.StringValue s) {
            switch (s.value().trim().toLowerCase(java.util.Locale.ROOT)) {
                case "on", "true", "high", "1":
                    return true;
                case "off", "false", "low", "0":
                    return false;
                default:
                    break;
            }
        }
        throw new CommandRejectedException(Reason.BAD_VALUE, "an output is set to on or off (true/false, 1/0), not " + v);
    }

    private static BigDecimal percent(FieldValue v) throws CommandRejectedException {
        BigDecimal d = null;
        if (v instanceof FieldValue.NumericValue n) {
            d = n.value();
        } else if (v instanceof FieldValue.IntegerValue i) {
            d = BigDecimal.valueOf(i.value());
        } else if (v instanceof FieldValue.StringValue s) {
            try {
                d = new BigDecimal(s.value().trim().replace("%", ""));
            } catch (NumberFormatException e) {
                d = null;
            }
        }
        if (d == null || d.signum() < 0 || d.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw new CommandRejectedException(Reason.BAD_VALUE, "a PWM duty cycle is a percentage from 0 to 100, not " + v);
        }
        return d;
    }

    private void setDuty(Pwm pwm, BigDecimal duty) {
        try {
            if (duty.signum() == 0) {
                pwm.off();
            } else {
                pwm.on(duty.floatValue());
            }
        } catch (com.pi4j.io.exception.IOException e) {
            throw new IllegalStateException("PWM " + pwm.id() + " of " + thingId + " cannot be set: " + e.getMessage(), e);
        }
    }

    /** Test view: the Pi4J pin behind a field. */
    synchronized <T> T io(String name) {
        return context.registry().get(thingId + "." + name);
    }

    @Override
    public synchronized void close() {
        if (context == null) {
            return;
        }
        timer.shutdownNow();
        // Safe states first, while the pins are still ours.
        for (Output o : pins.outputs()) {
            outputs.get(o.name()).state(state(o.safe()));
        }
        for (PwmChannel p : pins.pwm()) {
            setDuty(pwms.get(p.name()), p.safe());
        }
        for (String id : ioIds) {
            try {
                context.shutdown(id);
            } catch (RuntimeException e) {
                log.debug("thing={} pin {} shutdown: {}", thingId, id, e.toString());
            }
        }
        ioIds.clear();
        outputs.clear();
        pwms.clear();
        sink = null;
        platforms.release(platform);
        context = null;
    }
}
