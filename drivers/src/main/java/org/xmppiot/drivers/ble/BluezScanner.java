package org.xmppiot.drivers.ble;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passive Bluetooth LE scanning through BlueZ over D-Bus, the way Linux programs are meant to use the radio (no
 * root: the user needs the bluetooth group). Sets a discovery filter for LE with duplicate data on, so every
 * advertisement is reported, starts discovery, and hands each advertisement of an allowed address to its listener.
 * Other addresses are only counted (and, for {@code ble-scan}, kept in a bounded list). When the adapter goes away or
 * bluetoothd stops, listeners are told why, and scanning starts again when it is back (checked every few seconds).
 */
final class BluezScanner implements AutoCloseable {

    /** What a thing hears. Called on D-Bus's signal threads; must return quickly. */
    interface Listener {
        void advertisement(Advertisement advertisement);

        /** The adapter is scanning (reason null) or not, and why. */
        void scanning(String reasonIfNot);
    }

    private static final Logger log = LoggerFactory.getLogger(BluezScanner.class);
    private static final String BLUEZ = "org.bluez";
    private static final String DEVICE = "org.bluez.Device1";
    private static final String ADAPTER = "org.bluez.Adapter1";
    private static final String BASE_UUID_TAIL = "-0000-1000-8000-00805f9b34fb";
    static final int MAX_SEEN = 500;

    private final String busAddress;
    private final String adapterName;
    private final Map<String, Listener> listeners = new ConcurrentHashMap<>();
    private final Map<String, Short> lastRssi = new ConcurrentHashMap<>();
    /** Every address heard lately with its last advertisement, bounded: for ble-scan. */
    private final Map<String, Advertisement> seen = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Advertisement> eldest) {
            return size() > MAX_SEEN;
        }
    };
    private final AtomicLong strangers = new AtomicLong();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ble-scan");
        t.setDaemon(true);
        return t;
    });
    private volatile DBusConnection connection;
    private volatile String adapterPath;
    /** Null while scanning; the reason otherwise. Starts as {@link #NOT_YET}, which is nobody's status. */
    private volatile String notScanning = NOT_YET;
    private final java.util.concurrent.CountDownLatch firstTry = new java.util.concurrent.CountDownLatch(1);
    private static final String NOT_YET = "not started yet";

    /** {@code busAddress} null for the system bus; {@code adapterName} null for the first adapter BlueZ lists. */
    BluezScanner(String busAddress, String adapterName) {
        this.busAddress = busAddress;
        this.adapterName = adapterName;
    }

    void start() {
        watchdog.scheduleWithFixedDelay(this::ensureScanning, 0, 2, TimeUnit.SECONDS);
    }

    /**
     * Waits up to {@code max} for the first try to scan to end; then null when it scans, else why not. When the try has
     * not ended by then (a bus that does not answer), says so.
     */
    String awaitFirstTry(java.time.Duration max) throws InterruptedException {
        if (!firstTry.await(max.toMillis(), TimeUnit.MILLISECONDS)) {
            return "D-Bus" + (busAddress == null ? "" : " at " + busAddress) + " gave no answer within " + max.toSeconds() + " s";
        }
        return notScanning;
    }

    void listen(String mac, Listener listener) {
        listeners.put(mac.toUpperCase(Locale.ROOT), listener);
        String reason = notScanning;
        if (reason != NOT_YET) {
            listener.scanning(reason);
        }
    }

    void forget(String mac) {
        listeners.remove(mac.toUpperCase(Locale.ROOT));
    }

    /** Null while scanning, else why not. */
    String notScanning() {
        return notScanning;
    }

    /** Advertisements of addresses nobody listens to, so far. */
    long strangers() {
        return strangers.get();
    }

    /** The addresses heard (at most {@link #MAX_SEEN}, the most recent), with their last advertisement. */
    Map<String, Advertisement> seen() {
        synchronized (seen) {
            return Map.copyOf(seen);
        }
    }

    private synchronized void ensureScanning() {
        if (adapterPath != null) {
            return;
        }
        try {
            tryToScan();
        } finally {
            firstTry.countDown();
        }
    }

    private void tryToScan() {
        try {
            String missing = missingSocket();
            if (connection == null && missing != null) {
                notScanning("no D-Bus socket at " + missing + " (is dbus installed and running?)");
                return;
            }
            if (connection == null) {
                connection = busAddress == null ? DBusConnectionBuilder.forSystemBus().withShared(false).build()
                        : DBusConnectionBuilder.forAddress(busAddress).withShared(false).build();
                subscribe(connection);
            }
            ObjectManager manager = connection.getRemoteObject(BLUEZ, "/", ObjectManager.class);
            Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects = manager.GetManagedObjects();
            String path = null;
            for (Map.Entry<DBusPath, Map<String, Map<String, Variant<?>>>> o : objects.entrySet()) {
                String p = o.getKey().getPath();
                if (o.getValue().containsKey(ADAPTER) && (adapterName == null ? path == null || p.compareTo(path) < 0 : p.endsWith("/" + adapterName))) {
                    path = p;
                }
            }
            if (path == null) {
                notScanning(adapterName == null ? "no Bluetooth adapter; waiting for one" : "no Bluetooth adapter " + adapterName + "; waiting for it");
                return;
            }
            Adapter1 adapter = connection.getRemoteObject(BLUEZ, path, Adapter1.class);
            Map<String, Variant<?>> filter = new HashMap<>();
            filter.put("Transport", new Variant<>("le"));
            filter.put("DuplicateData", new Variant<>(Boolean.TRUE));
            adapter.SetDiscoveryFilter(filter);
            adapter.StartDiscovery();
            adapterPath = path;
            notScanning = null;
            log.info("ble scanning on {} (LE, duplicate data)", path);
            listeners.values().forEach(l -> l.scanning(null));
            // Devices BlueZ already knows may carry their last advertisement.
            for (Map.Entry<DBusPath, Map<String, Map<String, Variant<?>>>> o : objects.entrySet()) {
                Map<String, Variant<?>> device = o.getValue().get(DEVICE);
                if (device != null && o.getKey().getPath().startsWith(path + "/")) {
                    heard(o.getKey().getPath(), device);
                }
            }
        } catch (DBusException | RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            notScanning(connection == null ? "cannot reach D-Bus" + (busAddress == null ? "" : " at " + busAddress) + ": " + why
                    : "BlueZ (bluetoothd) does not answer: " + why);
            if (connection != null && !connection.isConnected()) {
                connection = null;
            }
        }
    }

    /**
     * The socket file of the bus when it is a local socket that does not exist, else null: connecting to it would only
     * fail, and the D-Bus library takes seconds to say so.
     */
    private String missingSocket() {
        String address = busAddress != null ? busAddress
                : System.getenv().getOrDefault("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/run/dbus/system_bus_socket");
        if (!address.startsWith("unix:path=")) {
            return null;
        }
        String file = address.substring("unix:path=".length()).split(",", 2)[0];
        return java.nio.file.Files.exists(java.nio.file.Path.of(file)) ? null : file;
    }

    private void subscribe(DBusConnection c) throws DBusException {
        c.addSigHandler(Properties.PropertiesChanged.class, signal -> {
            if (DEVICE.equals(signal.getInterfaceName())) {
                heard(signal.getPath(), signal.getPropertiesChanged());
            }
        });
        c.addSigHandler(ObjectManager.InterfacesAdded.class, signal -> {
            Map<String, Variant<?>> device = signal.getInterfaces().get(DEVICE);
            if (device != null) {
                heard(signal.getSignalSource().getPath(), device);
            }
        });
        c.addSigHandler(ObjectManager.InterfacesRemoved.class, signal -> {
            if (signal.getInterfaces().contains(ADAPTER) && signal.getSignalSource().getPath().equals(adapterPath)) {
                lost("the Bluetooth adapter " + name(adapterPath) + " went away; waiting for it");
            }
        });
        c.addSigHandler(DBus.NameOwnerChanged.class, signal -> {
            if (BLUEZ.equals(signal.name) && signal.newOwner.isEmpty()) {
                lost("BlueZ (bluetoothd) stopped; waiting for it");
            }
        });
    }

    private void lost(String reason) {
        adapterPath = null;
        notScanning(reason);
        watchdog.execute(this::ensureScanning);
    }

    private void notScanning(String reason) {
        if (!reason.equals(notScanning)) {
            log.warn("ble {}", reason);
        }
        notScanning = reason;
        listeners.values().forEach(l -> l.scanning(reason));
    }

    /** One device's advertised properties (a change, or all it has when it appears). */
    private void heard(String path, Map<String, Variant<?>> props) {
        String mac = mac(path, props);
        if (mac == null) {
            return;
        }
        Variant<?> rssi = props.get("RSSI");
        if (rssi != null && rssi.getValue() instanceof Number n) {
            if (listeners.containsKey(mac)) {
                lastRssi.put(mac, n.shortValue());
            }
        }
        Map<Integer, byte[]> service = new HashMap<>();
        Map<Integer, byte[]> manufacturer = new HashMap<>();
        if (props.get("ServiceData") != null && props.get("ServiceData").getValue() instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                Integer uuid = uuid16(String.valueOf(k));
                byte[] b = v instanceof Variant<?> var ? bytes(var.getValue()) : null;
                if (uuid != null && b != null) {
                    service.put(uuid, b);
                }
            });
        }
        if (props.get("ManufacturerData") != null && props.get("ManufacturerData").getValue() instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                byte[] b = v instanceof Variant<?> var ? bytes(var.getValue()) : null;
                if (k instanceof UInt16 id && b != null) {
                    manufacturer.put(id.intValue(), b);
                }
            });
        }
        if (service.isEmpty() && manufacturer.isEmpty()) {
            return;
        }
        Listener listener = listeners.get(mac);
        Short r = rssi != null && rssi.getValue() instanceof Number n ? Short.valueOf(n.shortValue()) : lastRssi.get(mac);
        Advertisement ad = new Advertisement(mac, r == null ? null : r.intValue(), service, manufacturer);
        synchronized (seen) {
            seen.put(mac, ad);
        }
        if (listener == null) {
            strangers.incrementAndGet();
            return;
        }
        listener.advertisement(ad);
    }

    /** A variant's byte array: dbus-java gives {@code ay} inside a variant as a list of bytes. */
    private static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        if (value instanceof List<?> list) {
            byte[] out = new byte[list.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(list.get(i) instanceof Number n)) {
                    return null;
                }
                out[i] = n.byteValue();
            }
            return out;
        }
        return null;
    }

    private static String mac(String path, Map<String, Variant<?>> props) {
        Variant<?> address = props.get("Address");
        if (address != null) {
            return String.valueOf(address.getValue()).toUpperCase(Locale.ROOT);
        }
        int at = path.lastIndexOf("/dev_");
        return at < 0 ? null : path.substring(at + 5).replace('_', ':').toUpperCase(Locale.ROOT);
    }

    /** "0000fcd2-0000-1000-8000-00805f9b34fb" is 0xFCD2; UUIDs outside the Bluetooth base are not read. */
    static Integer uuid16(String uuid) {
        String u = uuid.toLowerCase(Locale.ROOT);
        if (u.length() != 36 || !u.startsWith("0000") || !u.endsWith(BASE_UUID_TAIL)) {
            return null;
        }
        try {
            return Integer.parseInt(u.substring(4, 8), 16);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String name(String path) {
        return path == null ? "?" : path.substring(path.lastIndexOf('/') + 1);
    }

    @Override
    public synchronized void close() {
        watchdog.shutdownNow();
        DBusConnection c = connection;
        String path = adapterPath;
        if (c != null) {
            try {
                if (path != null) {
                    c.getRemoteObject(BLUEZ, path, Adapter1.class).StopDiscovery();
                }
            } catch (DBusException | RuntimeException e) {
                // The adapter or BlueZ is gone already.
            }
            c.disconnect();
        }
        connection = null;
        adapterPath = null;
    }
}
