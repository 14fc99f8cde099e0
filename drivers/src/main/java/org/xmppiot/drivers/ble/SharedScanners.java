package org.xmppiot.drivers.ble;

import java.util.HashMap;
import java.util.Map;

/** One scanner per bus and adapter, shared by the things heard through it and closed when the last one stops. */
final class SharedScanners {

    private record Entry(BluezScanner scanner, int users) {
    }

    private static final Map<String, Entry> SCANNERS = new HashMap<>();

    private SharedScanners() {
    }

    static synchronized BluezScanner acquire(String busAddress, String adapter) {
        String key = busAddress + "|" + adapter;
        Entry e = SCANNERS.get(key);
        if (e == null) {
            BluezScanner scanner = new BluezScanner(busAddress, adapter);
            scanner.start();
            SCANNERS.put(key, new Entry(scanner, 1));
            return scanner;
        }
        SCANNERS.put(key, new Entry(e.scanner(), e.users() + 1));
        return e.scanner();
    }

    static synchronized void release(String busAddress, String adapter) {
        String key = busAddress + "|" + adapter;
        Entry e = SCANNERS.get(key);
        if (e == null) {
            return;
        }
        if (e.users() <= 1) {
            SCANNERS.remove(key);
            e.scanner().close();
        } else {
            SCANNERS.put(key, new Entry(e.scanner(), e.users() - 1));
        }
    }
}
