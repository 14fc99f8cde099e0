package org.xmppiot.drivers.ble;

import java.util.HashMap;
import java.util.Map;

import org.xmppiot.core.spi.DriverContext;

/**
 * One scanner per bus and adapter in one gateway, shared by the things heard through it and closed when the last one
 * stops. One per {@link DriverContext}, none in static state.
 */
final class BleScanners {

    private record Entry(BluezScanner scanner, int users) {
    }

    private final Map<String, Entry> scanners = new HashMap<>();

    /** The scanners of {@code context}. */
    static BleScanners of(DriverContext context) {
        return context.shared(BleScanners.class, BleScanners::new);
    }

    synchronized BluezScanner acquire(String busAddress, String adapter) {
        String key = busAddress + "|" + adapter;
        Entry e = scanners.get(key);
        if (e == null) {
            BluezScanner scanner = new BluezScanner(busAddress, adapter);
            scanner.start();
            scanners.put(key, new Entry(scanner, 1));
            return scanner;
        }
        scanners.put(key, new Entry(e.scanner(), e.users() + 1));
        return e.scanner();
    }

    /** Gives the scanner back; true when that was its last user (it is closed then). */
    synchronized boolean release(String busAddress, String adapter) {
        String key = busAddress + "|" + adapter;
        Entry e = scanners.get(key);
        if (e == null) {
            return false;
        }
        if (e.users() <= 1) {
            scanners.remove(key);
            e.scanner().close();
            return true;
        }
        scanners.put(key, new Entry(e.scanner(), e.users() - 1));
        return false;
    }
}
