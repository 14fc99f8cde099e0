package org.xmppiot.core.thing;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.model.Category;
import org.xmppiot.core.model.Channel;
import org.xmppiot.core.model.Command;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Quality;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.core.spi.CommandRejectedException;
import org.xmppiot.core.spi.Driver;
import org.xmppiot.core.spi.DriverContext;
import org.xmppiot.core.spi.HeldInput;
import org.xmppiot.core.spi.ReadingSink;

/**
 * Every thing the gateway serves, configured or found on the network: its driver and lifecycle, its
 * status with the reason, its declared channels, and the one door through which commands reach it.
 * Drivers are given the registry as their sink: readings pass straight to the bus, status changes are
 * recorded here and put on the bus as a {@value #STATUS_FIELD} status reading, so that the store, pub/sub,
 * read-outs and every view see them the same way.
 *
 * <p>Status reports never wait for the registry's lifecycle lock: a driver may report from its own
 * thread while it is being stopped.
 */
public final class ThingRegistry implements ReadingSink, DriverContext, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ThingRegistry.class);
    /** The field of the status readings the registry puts on the bus. */
    public static final String STATUS_FIELD = Reading.STATUS_FIELD;

    private final ReadingSink bus;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final List<StatusListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong order = new AtomicLong();
    /**
     * Each thing's last sequence numbers, {reading, status}: readings count up from 1, status readings down from -1 (so
     * the two never share a (time, sequence) pair), per thing and across runs, whatever numbers drivers use.
     */
    private final Map<String, long[]> sequences = new ConcurrentHashMap<>();
    private volatile SequenceMemory memory = SequenceMemory.NONE;

    /** Where a thing's sequence numbers go on from: what an earlier run left (a store knows). */
    @FunctionalInterface
    public interface SequenceMemory {
        SequenceMemory NONE = thingId -> new long[] {0, 0};

        /** {the last reading sequence used (0 for none), the last status sequence used (0 for none, else negative)}. */
        long[] last(String thingId);
    }

    private final Map<Class<?>, Object> shared = new ConcurrentHashMap<>();
    private final Map<String, Bridge> bridges = new ConcurrentHashMap<>();

    public ThingRegistry(ReadingSink bus) {
        this.bus = bus;
    }

    /** The drivers' shared resources live as long as the registry: one set per running gateway, none in static state. */
    @Override
    public <T> T shared(Class<T> type, java.util.function.Supplier<T> make) {
        return type.cast(shared.computeIfAbsent(type, t -> make.get()));
    }

    @Override
    public void bridgeStatus(String bridgeId, ThingStatus status) {
        Bridge before = bridges.get(bridgeId);
        if (before != null && before.status().equals(status)) {
            return;
        }
        bridges.put(bridgeId, new Bridge(bridgeId, status, Instant.now()));
        if (status.isOnline()) {
            log.info("bridge '{}' is {}", bridgeId, status);
        } else {
            log.warn("bridge '{}' is {}", bridgeId, status);
        }
    }

    @Override
    public void bridgeGone(String bridgeId) {
        bridges.remove(bridgeId);
    }

    /** The bridges in use, by id. */
    public List<Bridge> bridges() {
        return bridges.values().stream().sorted(java.util.Comparator.comparing(Bridge::id)).toList();
    }

    private static final class Entry {
        final String id;
        final long order;
        final Thing.Origin origin;
        final ThingConfig config;
        final Driver driver;
        final List<Channel> channels;
        volatile String title;
        ThingStatus status = ThingStatus.starting();
        Instant since = Instant.now();

        Entry(String id, long order, Thing.Origin origin, ThingConfig config, Driver driver, String title) {
            this.id = id;
            this.order = order;
            this.origin = origin;
            this.config = config;
            this.driver = driver;
            this.channels = driver == null ? List.of() : List.copyOf(driver.channels());
            this.title = title;
        }

        synchronized Thing snapshot() {
            return new Thing(id, title, origin, status, since, channels, config);
        }
    }

    /** Registers a configured thing with its (not yet started) driver; it is {@code starting} until it reports. */
    public void add(ThingConfig config, Driver driver) {
        Entry e = new Entry(config.id(), order.incrementAndGet(), Thing.Origin.CONFIGURED, config, driver, config.name());
        if (entries.putIfAbsent(config.id(), e) != null) {
            throw new IllegalStateException("thing '" + config.id() + "' is already registered");
        }
    }

    /** Registers a configured thing that stays off; its driver is neither kept nor started. */
    public void addDisabled(ThingConfig config, String reason) {
        Entry e = new Entry(config.id(), order.incrementAndGet(), Thing.Origin.CONFIGURED, config, null, config.name());
        e.status = ThingStatus.disabled(reason);
        if (entries.putIfAbsent(config.id(), e) != null) {
            throw new IllegalStateException("thing '" + config.id() + "' is already registered");
        }
    }

    /** Registers a thing found on the network, once; its status comes from the discovery that reads it. */
    public void addDiscovered(String id, String title) {
        entries.computeIfAbsent(id, k -> new Entry(id, order.incrementAndGet(), Thing.Origin.DISCOVERED, null, null, title));
    }

    /**
     * Starts a registered thing's driver. A driver that throws leaves its thing offline with the reason,
     * and the exception goes on to the caller.
     */
    public void start(String id) {
        Entry e = entries.get(id);
        if (e == null || e.driver == null) {
            throw new IllegalStateException("thing '" + id + "' has no driver to start");
        }
        try {
            e.driver.start(this);
        } catch (RuntimeException ex) {
            status(id, ThingStatus.offline(ThingStatus.Detail.CONFIG, "cannot start: " + ex.getMessage()));
            throw ex;
        }
    }

    /**
     * Stops a thing's driver and forgets the thing; no reading or command reaches it afterwards. Returns
     * what it was, or nothing when there was no such thing.
     */
    public Optional<Thing> remove(String id) {
        Entry e = entries.remove(id);
        if (e == null) {
            return Optional.empty();
        }
        if (e.driver != null) {
            try {
                e.driver.close();
            } catch (RuntimeException ex) {
                log.warn("thing '{}': driver stop failed: {}", id, ex.toString());
            }
        }
        return Optional.of(e.snapshot());
    }

    public Optional<Thing> thing(String id) {
        Entry e = entries.get(id);
        return e == null ? Optional.empty() : Optional.of(e.snapshot());
    }

    /** Every thing, configured ones first in the order they were added, then those found on the network. */
    public List<Thing> things() {
        return entries.values().stream()
                .sorted(Comparator.comparing((Entry e) -> e.origin).thenComparingLong(e -> e.order))
                .map(Entry::snapshot).toList();
    }

    public Set<String> ids() {
        Set<String> ids = new LinkedHashSet<>();
        things().forEach(t -> ids.add(t.id()));
        return ids;
    }

    /** A thing's human name: its configured name or the name it announced; the id for unknown things. */
    public String title(String id) {
        Entry e = entries.get(id);
        return e == null ? id : e.title;
    }

    /** Per running configured thing, what its driver could not use, by kind (see {@link Driver#rejected()}). */
    public Map<String, Map<String, Long>> rejected() {
        Map<String, Map<String, Long>> out = new java.util.TreeMap<>();
        for (Entry e : entries.values()) {
            if (e.driver != null) {
                Map<String, Long> counts = e.driver.rejected();
                if (!counts.isEmpty()) {
                    out.put(e.id, counts);
                }
            }
        }
        return out;
    }

    public void addListener(StatusListener listener) {
        listeners.add(listener);
    }

    /**
     * Numbers each thing's readings on from what {@code memory} says an earlier run used, so that no number is used twice
     * for a thing, also after a restart or a power cut. Things that have reported already go on from the higher of the two.
     */
    public void continueSequences(SequenceMemory memory) {
        this.memory = memory;
        sequences.forEach((id, s) -> {
            long[] last = memory.last(id);
            synchronized (s) {
                s[0] = Math.max(s[0], last[0]);
                s[1] = Math.min(s[1], last[1]);
            }
        });
    }

    private long[] sequences(String thingId) {
        // Looked up first: the lambda computeIfAbsent takes captures this registry, one allocation through the VM per
        // reading in code compiled by C1 alone, where nearly every call finds the thing already there.
        long[] s = sequences.get(thingId);
        return s != null ? s : sequences.computeIfAbsent(thingId, id -> memory.last(id).clone());
    }

    /** Renumbered in the thing's own sequence (drivers count from 1 at every start), then onto the bus in that order. */
    @Override
    public void accept(Reading reading) {
        long[] s = sequences(reading.thingId());
        synchronized (s) {
            bus.accept(new Reading(reading.thingId(), ++s[0], reading.timestamp(), reading.fields()));
        }
    }

    @Override
    public boolean hold(HeldInput input, Duration maxWait) {
        return bus.hold(input, maxWait);
    }

    @Override
    public void status(String thingId, ThingStatus status) {
        Entry e = entries.get(thingId);
        if (e == null) {
            return; // A thing already removed; its driver is finishing.
        }
        ThingStatus previous;
        Thing now;
        synchronized (e) {
            if (e.status.equals(status) || e.status.state() == ThingStatus.State.DISABLED) {
                return;
            }
            previous = e.status;
            e.status = status;
            e.since = Instant.now();
            now = e.snapshot();
        }
        if (status.isOnline()) {
            log.info("thing '{}' is {}", thingId, status);
        } else {
            log.warn("thing '{}' is {}", thingId, status);
        }
        long[] s = sequences(thingId);
        synchronized (s) {
            bus.accept(statusReading(thingId, --s[1], status, now.since()));
        }
        for (StatusListener l : listeners) {
            try {
                l.statusChanged(now, previous);
            } catch (RuntimeException ex) {
                log.warn("status listener failed for thing '{}': {}", thingId, ex.toString());
            }
        }
    }

    private static Reading statusReading(String thingId, long sequence, ThingStatus status, Instant at) {
        Set<Quality> quality = switch (status.state()) {
            case OFFLINE -> Set.of(Quality.AUTOMATIC_READOUT, Quality.ERROR);
            case ONLINE -> status.reason() == null ? Set.of(Quality.AUTOMATIC_READOUT) : Set.of(Quality.AUTOMATIC_READOUT, Quality.WARNING);
            default -> Set.of(Quality.AUTOMATIC_READOUT);
        };
        Field field = new Field(STATUS_FIELD, new FieldValue.StringValue(status.toString()), quality, Category.STATUS);
        return new Reading(thingId, sequence, at.truncatedTo(ChronoUnit.MILLIS), List.of(field));
    }

    /**
     * Hands a command to the thing's driver after checking it against the thing's declared channels
     * (exists, writable, in range); throws with a sentence for the sender when it is refused. Every
     * command is logged with its origin and outcome.
     */
    public void execute(Command command) throws CommandRejectedException {
        try {
            Entry e = entries.get(command.thingId());
            if (e == null) {
                throw new CommandRejectedException(CommandRejectedException.Reason.UNKNOWN_THING, "no thing '" + command.thingId() + "' here");
            }
            if (e.driver == null) {
                throw new CommandRejectedException(CommandRejectedException.Reason.READ_ONLY, e.status.state() == ThingStatus.State.DISABLED
                        ? "thing '" + e.id + "' is disabled" : "thing '" + e.id + "' has nothing that can be set");
            }
            checkAgainstChannels(e, command);
            e.driver.execute(command);
            log.info("command thing={} field={} value={} from={} done", command.thingId(), command.field(), command.value(), command.origin());
        } catch (CommandRejectedException ex) {
            log.info("command thing={} field={} from={} refused: {}", command.thingId(), command.field(), command.origin(), ex.getMessage());
            throw ex;
        }
    }

    private static void checkAgainstChannels(Entry e, Command command) throws CommandRejectedException {
        if (e.channels.isEmpty()) {
            return; // Learnt from readings: the driver alone knows.
        }
        Channel channel = e.channels.stream().filter(c -> c.name().equals(command.field())).findFirst().orElse(null);
        if (channel == null) {
            throw new CommandRejectedException(CommandRejectedException.Reason.UNKNOWN_FIELD, "thing '" + e.id + "' has no '"
                    + command.field() + "'; it can set " + settable(e));
        }
        String refusal = channel.refusal(e.id, command.value());
        if (refusal != null) {
            throw new CommandRejectedException(channel.writable() ? CommandRejectedException.Reason.BAD_VALUE
                    : CommandRejectedException.Reason.READ_ONLY, refusal);
        }
    }

    private static String settable(Entry e) {
        List<String> names = e.channels.stream().filter(Channel::writable).map(Channel::name).toList();
        return names.isEmpty() ? "nothing" : String.join(", ", names);
    }

    /** Stops every driver; the things are forgotten. */
    @Override
    public void close() {
        for (Thing t : things()) {
            remove(t.id());
        }
    }
}
