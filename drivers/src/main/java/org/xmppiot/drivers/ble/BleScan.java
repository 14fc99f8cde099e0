package org.xmppiot.drivers.ble;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;

/**
 * What {@code ble-scan} shows: the devices in range that advertise a format the gateway reads, with their decoded
 * values, so that a user can pick addresses for the configuration. Encrypted BTHome devices show as such (their
 * values need the bind key).
 */
public final class BleScan {

    /** One device heard: its address, signal strength, format and values (or why they cannot be read). */
    public record Device(String mac, Integer rssi, String format, String values) {
    }

    /** What the scan found and why scanning did not run, when it did not. */
    public record Result(List<Device> devices, String notScanning) {
    }

    private BleScan() {
    }

    /** Listens for {@code time} on {@code adapter} (null: the first) of the bus at {@code busAddress} (null: the system bus). */
    public static Result scan(String busAddress, String adapter, Duration time) throws InterruptedException {
        BluezScanner scanner = new BluezScanner(busAddress, adapter);
        try {
            scanner.start();
            long end = System.nanoTime() + time.toNanos();
            // No bus, no BlueZ or no adapter: said at once, not after the whole listening time.
            String cannot = scanner.awaitFirstTry(time);
            if (cannot != null) {
                return new Result(List.of(), cannot);
            }
            Thread.sleep(Math.max(0, (end - System.nanoTime()) / 1_000_000));
            List<Device> out = new ArrayList<>();
            for (Map.Entry<String, Advertisement> e : scanner.seen().entrySet()) {
                Device d = describe(e.getValue());
                if (d != null) {
                    out.add(d);
                }
            }
            out.sort(Comparator.comparing((Device d) -> d.rssi() == null ? Integer.MIN_VALUE : d.rssi()).reversed());
            return new Result(out, scanner.notScanning());
        } finally {
            scanner.close();
        }
    }

    private static Device describe(Advertisement ad) {
        String format;
        String values;
        try {
            Decoded d;
            if (ad.serviceData().containsKey(BtHomeDecoder.SERVICE)) {
                byte[] data = ad.serviceData().get(BtHomeDecoder.SERVICE);
                if (data.length > 0 && (data[0] & 1) != 0) {
                    return new Device(ad.mac(), ad.rssi(), "bthome (encrypted)", "needs its bind-key");
                }
                d = BtHomeDecoder.decode(data, ad.mac(), null);
            } else if (ad.manufacturerData().containsKey(RuuviDecoder.COMPANY)) {
                d = RuuviDecoder.decode(ad.manufacturerData().get(RuuviDecoder.COMPANY));
            } else if (ad.serviceData().containsKey(PvvxDecoder.SERVICE)) {
                d = PvvxDecoder.decode(ad.serviceData().get(PvvxDecoder.SERVICE));
            } else {
                return null;
            }
            format = d.format();
            List<String> parts = new ArrayList<>();
            for (Field f : d.fields()) {
                parts.add(f.name() + "=" + (f.value() instanceof FieldValue.NumericValue n ? n.value().toPlainString() + (n.unit().isEmpty() ? "" : " " + n.unit())
                        : f.value() instanceof FieldValue.BooleanValue b ? Boolean.toString(b.value()) : String.valueOf(f.value())));
            }
            values = String.join(", ", parts);
        } catch (AdvertisementRejected e) {
            format = "unreadable";
            values = e.getMessage();
        }
        return new Device(ad.mac(), ad.rssi(), format, values);
    }
}
