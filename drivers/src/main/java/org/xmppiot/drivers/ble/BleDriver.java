package org.xmppiot.drivers.ble;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.core.spi.Driver;
import org.xmppiot.core.spi.DriverContext;
import org.xmppiot.core.spi.ReadingSink;
import org.xmppiot.drivers.common.PeriodicTask;
import org.xmppiot.drivers.common.Rejections;

/**
 * {@code driver: ble}: one Bluetooth LE sensor, by its address, read passively from its advertisements (BTHome v2,
 * RuuviTag format 5, ATC/pvvx). Each new measurement is a reading with the signal strength; repeats of one
 * measurement (same packet counter) are dropped; bad advertisements are counted by kind. Offline when not heard
 * for {@code timeout}, or when the adapter or BlueZ is away.
 */
final class BleDriver implements Driver, BluezScanner.Listener {

    /** Which format to read; AUTO takes what the advertisement carries. */
    enum Format { AUTO, BTHOME, RUUVI, PVVX }

    private final String thingId;
    private final String mac;
    private final Format format;
    private final byte[] bindKey;
    private final Duration timeout;
    private final String busAddress;
    private final String adapter;
    private final Rejections rejections;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong repeats = new AtomicLong();
    private final DriverContext context;
    private final BleScanners scanners;
    private volatile ReadingSink sink;
    private volatile BluezScanner scanner;
    private volatile PeriodicTask silenceCheck;
    private volatile Long lastCounter;
    private volatile Instant lastHeard;
    private volatile boolean heardOnce;
    private volatile String notScanning;

    BleDriver(String thingId, String mac, Format format, byte[] bindKey, Duration timeout, String busAddress, String adapter,
              DriverContext context) {
        this.thingId = thingId;
        this.context = context;
        this.scanners = BleScanners.of(context);
        this.mac = mac;
        this.format = format;
        this.bindKey = bindKey;
        this.timeout = timeout;
        this.busAddress = busAddress;
        this.adapter = adapter;
        this.rejections = new Rejections(thingId, "BLE advertisement");
    }

    @Override
    public synchronized void start(ReadingSink sink) {
        deliverTo(sink);
        lastHeard = Instant.now(); // The timeout counts from start.
        scanner = scanners.acquire(busAddress, adapter);
        scanner.listen(mac, this);
        Duration every = timeout.dividedBy(4).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : timeout.dividedBy(4);
        silenceCheck = PeriodicTask.start("ble-" + thingId, every, this::checkSilence);
    }

    /** Where readings and statuses go; {@link #start} sets it, and a test handing advertisements in directly does. */
    void deliverTo(ReadingSink sink) {
        this.sink = sink;
    }

    @Override
    public void scanning(String reasonIfNot) {
        notScanning = reasonIfNot;
        // The adapter is the bridge every thing heard through it depends on: when it cannot scan, they all go offline.
        context.bridgeStatus(bridgeId(), reasonIfNot == null ? ThingStatus.online()
                : ThingStatus.offline(ThingStatus.Detail.DEVICE_MISSING, reasonIfNot));
        ReadingSink s = sink;
        if (s != null && reasonIfNot != null) {
            s.status(thingId, ThingStatus.offline(ThingStatus.Detail.BRIDGE_OFFLINE, reasonIfNot));
        }
    }

    /** The adapter things are heard through, as a bridge: {@code ble hci0}, or {@code ble first adapter}. */
    private String bridgeId() {
        return "ble " + (adapter == null ? "first adapter" : adapter) + (busAddress == null ? "" : " on " + busAddress);
    }

    @Override
    public void advertisement(Advertisement ad) {
        Decoded d;
        try {
            d = decode(ad);
        } catch (AdvertisementRejected e) {
            rejections.count(e.kind(), e::getMessage);
            return;
        }
        if (d == null) {
            rejections.count("no-data", () -> "an advertisement of " + mac + " carried nothing in the " + format.name().toLowerCase() + " format");
            return;
        }
        if (d.encrypted() && lastCounter != null && d.counter() < lastCounter) {
            // An encrypted sensor's counter only goes up: an older one is a recorded packet played back.
            rejections.count("replayed", () -> "an encrypted packet of " + mac + " with counter " + d.counter() + ", below the last, "
                    + lastCounter + ": played back?");
            return;
        }
        lastHeard = Instant.now();
        heardOnce = true;
        if (d.counter() != null && d.counter().equals(lastCounter)) {
            repeats.incrementAndGet();
            return;
        }
        lastCounter = d.counter();
        List<Field> fields = new ArrayList<>(d.fields());
        if (ad.rssi() != null) {
            fields.add(Fields.number("rssi", ad.rssi(), "1", "dBm"));
        }
        ReadingSink s = sink;
        if (s != null) {
            s.status(thingId, ThingStatus.online());
            s.accept(new Reading(thingId, sequence.incrementAndGet(), Instant.now().truncatedTo(ChronoUnit.MILLIS), fields));
        }
    }

    private Decoded decode(Advertisement ad) throws AdvertisementRejected {
        Map<Integer, byte[]> sd = ad.serviceData();
        byte[] ruuvi = ad.manufacturerData().get(RuuviDecoder.COMPANY);
        if ((format == Format.AUTO || format == Format.BTHOME) && sd.containsKey(BtHomeDecoder.SERVICE)) {
            return BtHomeDecoder.decode(sd.get(BtHomeDecoder.SERVICE), mac, bindKey);
        }
        if ((format == Format.AUTO || format == Format.RUUVI) && ruuvi != null) {
            return RuuviDecoder.decode(ruuvi);
        }
        if ((format == Format.AUTO || format == Format.PVVX) && sd.containsKey(PvvxDecoder.SERVICE)) {
            return PvvxDecoder.decode(sd.get(PvvxDecoder.SERVICE));
        }
        return null;
    }

    private void checkSilence() {
        Instant heard = lastHeard;
        ReadingSink s = sink;
        if (s != null && notScanning == null && heard != null && Duration.between(heard, Instant.now()).compareTo(timeout) > 0) {
            s.status(thingId, ThingStatus.offline(ThingStatus.Detail.NO_ANSWER, "not heard for " + human(timeout) + (heardOnce ? " (last at " + heard.truncatedTo(ChronoUnit.SECONDS) + ")"
                    : " since the gateway started") + "; out of range, its battery flat, or the address wrong?"));
        }
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        return s % 3600 == 0 ? s / 3600 + " h" : s % 60 == 0 ? s / 60 + " min" : s + " s";
    }

    /** Rejected advertisements by kind, and repeats dropped by their packet counter. */
    @Override
    public Map<String, Long> rejected() {
        Map<String, Long> out = new java.util.TreeMap<>(rejections.snapshot());
        out.put("repeat", repeats.get());
        return out;
    }

    @Override
    public synchronized void close() {
        if (silenceCheck != null) {
            silenceCheck.close();
        }
        if (scanner != null) {
            scanner.forget(mac);
            if (scanners.release(busAddress, adapter)) {
                context.bridgeGone(bridgeId());
            }
            scanner = null;
        }
        sink = null;
    }
}
