package org.xmppiot.drivers.modbus;

import java.util.Locale;

/** The four Modbus data tables: two of 16-bit registers, two of single bits; the first of each pair may be written. */
enum RegisterTable {
    HOLDING("holding", "holding register", true, true, 125),
    INPUT("input", "input register", true, false, 125),
    COIL("coil", "coil", false, true, 2000),
    DISCRETE("discrete", "discrete input", false, false, 2000);

    private final String key;
    private final String label;
    private final boolean words;
    private final boolean writable;
    private final int maxPerRead;

    RegisterTable(String key, String label, boolean words, boolean writable, int maxPerRead) {
        this.key = key;
        this.label = label;
        this.words = words;
        this.writable = writable;
        this.maxPerRead = maxPerRead;
    }

    /** The value of {@code table:} in the configuration. */
    String key() {
        return key;
    }

    /** "holding registers 100-109", "coil 3". */
    String describe(int first, int count) {
        return count == 1 ? label + " " + first : label + "s " + first + "-" + (first + count - 1);
    }

    boolean holdsWords() {
        return words;
    }

    boolean writable() {
        return writable;
    }

    /** The most registers (or bits) one read request may ask for: 125 registers, 2000 bits (Modbus application protocol 1.1b3). */
    int maxPerRead() {
        return maxPerRead;
    }

    static String[] keys() {
        RegisterTable[] all = values();
        String[] out = new String[all.length];
        for (int i = 0; i < all.length; i++) {
            out[i] = all[i].key;
        }
        return out;
    }

    static RegisterTable of(String key) {
        return valueOf(key.toUpperCase(Locale.ROOT));
    }
}
