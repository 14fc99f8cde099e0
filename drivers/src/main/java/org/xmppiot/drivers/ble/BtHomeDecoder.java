package org.xmppiot.drivers.ble;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;

/**
 * BTHome v2 (bthome.io), service data of UUID 0xFCD2: a device-information byte (bit 0 encrypted, bits 5-7 version 2),
 * then objects, each an id followed by a little-endian value of a length the id fixes. Encrypted packets (AES-CCM
 * with the device's bind key; nonce = MAC, UUID, device byte, counter) end with a 4-byte counter and a 4-byte tag.
 * The packet id object (0x00), or else the encryption counter, is the packet counter.
 */
final class BtHomeDecoder {

    static final int SERVICE = 0xFCD2;

    /** A measurement object: its field name, length in bytes, signedness, factor and unit. */
    private record Kind(String name, int length, boolean signed, String factor, String unit) {
    }

    /** The measurement objects by id, and the binary (flag) objects by id: tables, never changed after they are built. */
    private static final Map<Integer, Kind> NUMBERS = numbers();
    private static final Map<Integer, String> FLAGS = flags();

    private static void number(Map<Integer, Kind> table, int id, String name, int length, boolean signed, String factor, String unit) {
        table.put(id, new Kind(name, length, signed, factor, unit));
    }

    private static Map<Integer, Kind> numbers() {
        Map<Integer, Kind> t = new HashMap<>();
        number(t, 0x01, "battery", 1, false, "1", "%");
        number(t, 0x02, "temperature", 2, true, "0.01", "°C");
        number(t, 0x03, "humidity", 2, false, "0.01", "%");
        number(t, 0x04, "pressure", 3, false, "0.01", "hPa");
        number(t, 0x05, "illuminance", 3, false, "0.01", "lx");
        number(t, 0x06, "mass", 2, false, "0.01", "kg");
        number(t, 0x07, "mass", 2, false, "0.01", "lb");
        number(t, 0x08, "dew-point", 2, true, "0.01", "°C");
        number(t, 0x09, "count", 1, false, "1", "");
        number(t, 0x0A, "energy", 3, false, "0.001", "kWh");
        number(t, 0x0B, "power", 3, false, "0.01", "W");
        number(t, 0x0C, "voltage", 2, false, "0.001", "V");
        number(t, 0x0D, "pm2.5", 2, false, "1", "µg/m³");
        number(t, 0x0E, "pm10", 2, false, "1", "µg/m³");
        number(t, 0x12, "co2", 2, false, "1", "ppm");
        number(t, 0x13, "tvoc", 2, false, "1", "µg/m³");
        number(t, 0x14, "moisture", 2, false, "0.01", "%");
        number(t, 0x2E, "humidity", 1, false, "1", "%");
        number(t, 0x2F, "moisture", 1, false, "1", "%");
        number(t, 0x3A, "button", 1, false, "1", "");
        number(t, 0x3C, "dimmer", 2, false, "1", "");
        number(t, 0x3D, "count", 2, false, "1", "");
        number(t, 0x3E, "count", 4, false, "1", "");
        number(t, 0x3F, "rotation", 2, true, "0.1", "°");
        number(t, 0x40, "distance", 2, false, "1", "mm");
        number(t, 0x41, "distance", 2, false, "0.1", "m");
        number(t, 0x42, "duration", 3, false, "0.001", "s");
        number(t, 0x43, "current", 2, false, "0.001", "A");
        number(t, 0x44, "speed", 2, false, "0.01", "m/s");
        number(t, 0x45, "temperature", 2, true, "0.1", "°C");
        number(t, 0x46, "uv-index", 1, false, "0.1", "");
        number(t, 0x47, "volume", 2, false, "0.1", "L");
        number(t, 0x48, "volume", 2, false, "1", "mL");
        number(t, 0x49, "volume-flow-rate", 2, false, "0.001", "m³/h");
        number(t, 0x4A, "voltage", 2, false, "0.1", "V");
        number(t, 0x4B, "gas", 3, false, "0.001", "m³");
        number(t, 0x4C, "gas", 4, false, "0.001", "m³");
        number(t, 0x4D, "energy", 4, false, "0.001", "kWh");
        number(t, 0x4E, "volume", 4, false, "0.001", "L");
        number(t, 0x4F, "water", 4, false, "0.001", "L");
        number(t, 0x50, "timestamp", 4, false, "1", "s");
        number(t, 0x51, "acceleration", 2, false, "0.001", "m/s²");
        number(t, 0x52, "gyroscope", 2, false, "0.001", "°/s");
        number(t, 0x55, "volume-storage", 4, false, "0.001", "L");
        number(t, 0x56, "conductivity", 2, false, "1", "µS/cm");
        number(t, 0x57, "temperature", 1, true, "1", "°C");
        number(t, 0x58, "temperature", 1, true, "0.35", "°C");
        number(t, 0x59, "count", 1, true, "1", "");
        number(t, 0x5A, "count", 2, true, "1", "");
        number(t, 0x5B, "count", 4, true, "1", "");
        number(t, 0x5C, "power", 4, true, "0.01", "W");
        number(t, 0x5D, "current", 2, true, "0.001", "A");
        number(t, 0x5E, "direction", 2, false, "0.01", "°");
        number(t, 0x5F, "precipitation", 2, false, "0.1", "mm");
        number(t, 0x60, "channel", 1, false, "1", "");
        number(t, 0x61, "rotational-speed", 2, false, "1", "rpm");
        number(t, 0x62, "speed", 4, true, "0.000001", "m/s");
        number(t, 0x63, "acceleration", 4, true, "0.000001", "m/s²");
        number(t, 0x64, "light-level", 1, false, "1", "");
        return Map.copyOf(t);
    }

    private static Map<Integer, String> flags() {
        Map<Integer, String> t = new HashMap<>();
        String[] flags = {"generic", "power-on", "opening", null, null, null, "battery-low", "battery-charging", "co", "cold", "connectivity",
                "door", "garage-door", "gas-detected", "heat", "light", "lock", "moisture-detected", "motion", "moving", "occupancy", "plug",
                "presence", "problem", "running", "safety", "smoke", "sound", "tamper", "vibration", "window"};
        for (int i = 0; i < flags.length; i++) {
            if (flags[i] != null) {
                t.put(0x0F + i, flags[i]);
            }
        }
        return Map.copyOf(t);
    }

    /** Lengths of the device-information objects, which are skipped. */
    private static final Map<Integer, Integer> SKIPPED = Map.of(0xF0, 2, 0xF1, 4, 0xF2, 3);

    private BtHomeDecoder() {
    }

    /**
     * Decodes the service data of {@code mac} ("54:48:E6:8F:80:A5"); {@code bindKey} is the device's 16-byte key, or
     * null for a device that does not encrypt (an encrypted packet is then refused, and so is a plain one from a
     * device that has a key: a downgrade).
     */
    static Decoded decode(byte[] d, String mac, byte[] bindKey) throws AdvertisementRejected {
        if (d.length < 1) {
            throw new AdvertisementRejected("truncated", "empty BTHome service data");
        }
        int info = d[0] & 0xFF;
        if ((info >> 5) != 2) {
            throw new AdvertisementRejected("unsupported", "BTHome version " + (info >> 5) + "; only version 2 is read");
        }
        boolean encrypted = (info & 1) != 0;
        byte[] objects;
        Long counter = null;
        if (encrypted) {
            if (bindKey == null) {
                throw new AdvertisementRejected("no-key", "the device encrypts its advertisements; give its bind-key");
            }
            if (d.length < 1 + 8 + 1) {
                throw new AdvertisementRejected("truncated", "encrypted BTHome data of " + d.length + " bytes is too short");
            }
            byte[] ciphertext = java.util.Arrays.copyOfRange(d, 1, d.length - 8);
            byte[] count = java.util.Arrays.copyOfRange(d, d.length - 8, d.length - 4);
            byte[] tag = java.util.Arrays.copyOfRange(d, d.length - 4, d.length);
            byte[] nonce = new byte[13];
            System.arraycopy(macBytes(mac), 0, nonce, 0, 6);
            nonce[6] = (byte) 0xD2;
            nonce[7] = (byte) 0xFC;
            nonce[8] = (byte) info;
            System.arraycopy(count, 0, nonce, 9, 4);
            try {
                objects = AesCcm.decrypt(bindKey, nonce, ciphertext, tag);
            } catch (GeneralSecurityException e) {
                throw new AdvertisementRejected("wrong-key", "cannot decrypt: " + e.getMessage());
            }
            if (objects == null) {
                throw new AdvertisementRejected("wrong-key", "the tag does not match: a wrong bind-key or a damaged packet");
            }
            counter = Fields.unsignedLe(count, 0, 4);
        } else {
            if (bindKey != null) {
                throw new AdvertisementRejected("unencrypted", "an unencrypted packet from a device with a bind-key is refused (downgrade)");
            }
            objects = java.util.Arrays.copyOfRange(d, 1, d.length);
        }
        List<Field> fields = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        Long packetId = null;
        int at = 0;
        while (at < objects.length) {
            int id = objects[at++] & 0xFF;
            if (id == 0x00) {
                need(objects, at, 1, id);
                packetId = (long) (objects[at++] & 0xFF);
            } else if (NUMBERS.containsKey(id)) {
                Kind k = NUMBERS.get(id);
                need(objects, at, k.length(), id);
                long raw = k.signed() ? Fields.signedLe(objects, at, k.length()) : Fields.unsignedLe(objects, at, k.length());
                at += k.length();
                fields.add(Fields.number(unique(k.name(), seen), raw, k.factor(), k.unit()));
            } else if (FLAGS.containsKey(id)) {
                need(objects, at, 1, id);
                fields.add(Fields.flag(unique(FLAGS.get(id), seen), objects[at++] != 0));
            } else if (id == 0x53 || id == 0x54) {
                need(objects, at, 1, id);
                int length = objects[at++] & 0xFF;
                need(objects, at, length, id);
                if (id == 0x53) {
                    fields.add(Field.readout(unique("text", seen), new FieldValue.StringValue(new String(objects, at, length, StandardCharsets.UTF_8))));
                }
                at += length;
            } else if (SKIPPED.containsKey(id)) {
                need(objects, at, SKIPPED.get(id), id);
                at += SKIPPED.get(id);
            } else {
                throw new AdvertisementRejected("malformed", String.format("unknown BTHome object 0x%02X at byte %d", id, at));
            }
        }
        return new Decoded(encrypted ? "bthome-encrypted" : "bthome", fields, packetId != null ? packetId : counter);
    }

    private static void need(byte[] b, int at, int length, int id) throws AdvertisementRejected {
        if (at + length > b.length) {
            throw new AdvertisementRejected("truncated", String.format("BTHome object 0x%02X needs %d bytes, %d left", id, length, b.length - at));
        }
    }

    /** A second object of one kind is called "temperature-2", and so on. */
    private static String unique(String name, Map<String, Integer> seen) {
        int n = seen.merge(name, 1, Integer::sum);
        return n == 1 ? name : name + "-" + n;
    }

    static byte[] macBytes(String mac) {
        String[] parts = mac.split(":");
        byte[] out = new byte[6];
        for (int i = 0; i < 6; i++) {
            out[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return out;
    }
}
