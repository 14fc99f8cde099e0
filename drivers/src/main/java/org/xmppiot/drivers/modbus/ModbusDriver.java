package org.xmppiot.drivers.modbus;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
import org.xmppiot.core.spi.Driver;
import org.xmppiot.core.spi.DriverContext;
import org.xmppiot.core.spi.ReadingSink;
import org.xmppiot.drivers.common.PeriodicTask;
import org.xmppiot.drivers.common.Rejections;

/**
 * {@code driver: modbus}: one device (one unit id) on a Modbus RTU bus or at a Modbus TCP address, read by its
 * register map. Each poll group reads its blocks and hands on one reading of the fields it got; a block that
 * fails is counted by kind and said in the thing's status (offline when nothing answered, online with a note
 * when part of the map did). While the device does not answer it gets a single try per poll and the poll ends at
 * the first request it leaves unanswered, so it holds a shared bus for at most one timeout per poll and the other
 * devices on it keep their rate.
 */
final class ModbusDriver implements Driver {

    private static final Logger log = LoggerFactory.getLogger(ModbusDriver.class);

    /** How a thing finds its link: the key it is shared under, and how to make it. */
    record LinkSpec(String key, java.util.function.Supplier<ModbusLink> make) {
    }

    private final String thingId;
    private final DriverContext context;
    private final LinkSpec linkSpec;
    /** The bus this thing is reached through, as a bridge: {@code modbus rtu:/dev/ttyUSB0}, {@code modbus tcp:10.0.0.5:502}. */
    private final String bridgeId;
    private final int unit;
    private final int tries;
    private final List<RegisterField> fields;
    private final List<PollGroup> groups;
    private final Rejections faults;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<PollGroup, ModbusFault> lastFaults = new ConcurrentHashMap<>();
    private final Map<PollGroup, Boolean> lastGotSome = new ConcurrentHashMap<>();
    private final List<PeriodicTask> tasks = new ArrayList<>();
    private volatile ModbusLink link;
    private volatile ReadingSink sink;
    private volatile boolean answering = true;

    ModbusDriver(String thingId, DriverContext context, LinkSpec linkSpec, int unit, int tries, List<RegisterField> fields,
                 List<PollGroup> groups) {
        this.thingId = thingId;
        this.context = context;
        this.linkSpec = linkSpec;
        this.bridgeId = "modbus " + linkSpec.key();
        this.unit = unit;
        this.tries = tries;
        this.fields = List.copyOf(fields);
        this.groups = List.copyOf(groups);
        this.faults = new Rejections(thingId, "Modbus request");
    }

    @Override
    public List<Channel> channels() {
        return fields.stream().map(RegisterField::channel).toList();
    }

    @Override
    public synchronized void start(ReadingSink sink) {
        this.sink = sink;
        try {
            link = ModbusLinks.of(context).acquire(linkSpec.key(), thingId, linkSpec.make());
        } catch (IllegalStateException e) {
            sink.status(thingId, ThingStatus.offline(ThingStatus.Detail.CONFIG, e.getMessage()));
            return;
        }
        log.info("thing={} modbus unit={} on {} ({}), {} fields in {} requests", thingId, unit, link.describe(), link.settings(),
                fields.size(), groups.stream().mapToInt(g -> g.blocks().size()).sum());
        for (PollGroup group : groups) {
            tasks.add(PeriodicTask.start("modbus-" + thingId + "-" + group.interval().toMillis() + "ms", group.interval(), () -> poll(group)));
        }
    }

    /** Failed requests so far by kind (timeout, crc, garbage, link, "exception: illegal data address"...). */
    @Override
    public Map<String, Long> rejected() {
        return faults.snapshot();
    }

    private void poll(PollGroup group) {
        List<Field> values = new ArrayList<>();
        ModbusFault firstFault = null;
        int attempts = answering ? tries : 1;
        for (ReadBlock block : group.blocks()) {
            try {
                read(block, attempts, values);
            } catch (ModbusFault fault) {
                faults.count(fault.countedAs(), fault::getMessage);
                firstFault = firstFault == null ? fault : firstFault;
                if (fault.kind() == ModbusFault.Kind.TIMEOUT || fault.kind() == ModbusFault.Kind.LINK) {
                    break; // The rest would wait for the same silence, holding the bus from the other devices.
                }
            }
        }
        if (firstFault == null) {
            lastFaults.remove(group);
        } else {
            lastFaults.put(group, firstFault);
        }
        lastGotSome.put(group, !values.isEmpty());
        // The status first: whoever gets the reading finds the thing already said to be online.
        reportStatus();
        if (!values.isEmpty()) {
            sink.accept(new Reading(thingId, sequence.incrementAndGet(), Instant.now().truncatedTo(ChronoUnit.MILLIS), values));
        }
    }

    private void read(ReadBlock block, int attempts, List<Field> into) throws ModbusFault {
        int[] words = null;
        boolean[] bits = null;
        if (block.table().holdsWords()) {
            words = link.readWords(unit, block.table(), block.first(), block.count(), attempts);
        } else {
            bits = link.readBits(unit, block.table(), block.first(), block.count(), attempts);
        }
        for (RegisterField f : block.fields()) {
            FieldValue value = f.decode(words, bits, block.first());
            if (value == null) {
                faults.count("not a number", () -> "'" + f.name() + "' (" + f.where() + ") holds NaN or infinity; left out of the reading");
                continue;
            }
            into.add(Field.readout(f.name(), value));
        }
    }

    /**
     * Offline when no poll group got anything; online with the first problem as a note when some did. A failed port or
     * connection puts the bus (the bridge) offline too, and the thing's detail says bridge-offline.
     */
    private void reportStatus() {
        synchronized (lastFaults) {
            if (lastFaults.isEmpty()) {
                answering = true;
                context.bridgeStatus(bridgeId, ThingStatus.online());
                sink.status(thingId, ThingStatus.online());
                return;
            }
            ModbusFault fault = lastFaults.values().iterator().next();
            boolean gotSome = lastGotSome.values().stream().anyMatch(Boolean::booleanValue);
            answering = gotSome || fault.kind() == ModbusFault.Kind.EXCEPTION;
            // The port or connection itself failed: the bus is down for every thing on it, not this device alone.
            boolean busDown = !gotSome && fault.kind() == ModbusFault.Kind.LINK;
            context.bridgeStatus(bridgeId, busDown ? ThingStatus.offline(ModbusFault.Kind.LINK.detail(), fault.getMessage()) : ThingStatus.online());
            ThingStatus.Detail detail = busDown ? ThingStatus.Detail.BRIDGE_OFFLINE : fault.kind().detail();
            sink.status(thingId, gotSome ? ThingStatus.online(detail, fault.getMessage()) : ThingStatus.offline(detail, fault.getMessage()));
        }
    }

    @Override
    public void execute(Command command) throws CommandRejectedException {
        RegisterField field = fields.stream().filter(f -> f.name().equals(command.field())).findFirst()
                .orElseThrow(() -> new CommandRejectedException(CommandRejectedException.Reason.UNKNOWN_FIELD,
                        "thing '" + thingId + "' has no field '" + command.field() + "'"));
        ModbusLink current = link;
        if (current == null) {
            throw new CommandRejectedException(CommandRejectedException.Reason.FAILED, "thing '" + thingId + "' is not running");
        }
        try {
            if (field.table() == RegisterTable.COIL) {
                current.writeCoil(unit, field.address(), onOff(command.value()), tries);
            } else {
                current.writeRegisters(unit, field.address(), field.encode(Channel.number(command.value())), tries);
            }
        } catch (ModbusFault fault) {
            faults.count(fault.countedAs(), fault::getMessage);
            throw new CommandRejectedException(CommandRejectedException.Reason.FAILED, "'" + field.name() + "' of " + thingId
                    + " was not set: " + fault.getMessage());
        } catch (IllegalArgumentException e) {
            throw new CommandRejectedException(CommandRejectedException.Reason.BAD_VALUE, "'" + field.name() + "' of " + thingId + ": " + e.getMessage());
        }
        log.info("thing={} set {} ({}) to {} for {}", thingId, field.name(), field.where(), command.value(), command.origin());
        readBack(field);
    }

    /** Reads the field just written and hands the value on at once, as the device now holds it. */
    private void readBack(RegisterField field) {
        List<Field> values = new ArrayList<>();
        try {
            read(new ReadBlock(field.table(), field.address(), field.length(), List.of(field)), tries, values);
        } catch (ModbusFault fault) {
            faults.count(fault.countedAs(), fault::getMessage);
            log.warn("thing={} wrote {} but could not read it back: {}", thingId, field.name(), fault.getMessage());
            return;
        }
        if (!values.isEmpty()) {
            sink.accept(new Reading(thingId, sequence.incrementAndGet(), Instant.now().truncatedTo(ChronoUnit.MILLIS), values));
        }
    }

    private static boolean onOff(FieldValue value) {
        if (value instanceof FieldValue.BooleanValue b) {
            return b.value();
        }
        if (value instanceof FieldValue.StringValue s) {
            String text = s.value().trim().toLowerCase(Locale.ROOT);
            if (text.equals("on") || text.equals("true")) {
                return true;
            }
            if (text.equals("off") || text.equals("false")) {
                return false;
            }
        }
        BigDecimal number = Channel.number(value);
        return number != null && number.signum() != 0;
    }

    @Override
    public synchronized void close() {
        tasks.forEach(PeriodicTask::close);
        tasks.clear();
        ModbusLink current = link;
        link = null;
        if (current != null && ModbusLinks.of(context).release(linkSpec.key(), current)) {
            context.bridgeGone(bridgeId);
        }
    }
}
