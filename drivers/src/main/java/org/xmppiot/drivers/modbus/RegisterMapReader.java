package org.xmppiot.drivers.modbus;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;

/**
 * Reads a register map ({@code registers:} of a thing or of a stock profile) and refuses impossible ones:
 * addresses beyond the table, types that do not fit the table, writes to read-only tables, two values in the
 * same registers, two fields of one name.
 */
final class RegisterMapReader {

    static final Set<String> FIELD_KEYS = Set.of("name", "table", "address", "type", "bit", "byte-order", "word-order",
            "scale", "offset", "unit", "decimals", "writable", "min", "max", "poll-interval");
    static final Duration MIN_POLL = Duration.ofMillis(50);
    static final Duration MAX_POLL = Duration.ofDays(1);

    private final String defaultByteOrder;
    private final String defaultWordOrder;
    private final Duration defaultPoll;

    /** Defaults a thing gives all its fields ({@code byte-order}, {@code word-order}, {@code poll-interval}). */
    RegisterMapReader(String defaultByteOrder, String defaultWordOrder, Duration defaultPoll) {
        this.defaultByteOrder = defaultByteOrder;
        this.defaultWordOrder = defaultWordOrder;
        this.defaultPoll = defaultPoll;
    }

    List<RegisterField> read(ConfigNode owner, String key) throws ConfigException {
        List<ConfigNode> items = owner.list(key);
        if (items.isEmpty()) {
            throw owner.get(key).error("lists no register; give at least one { name, table, address, type }");
        }
        List<RegisterField> fields = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode item : items) {
            RegisterField f = field(item);
            if (!names.add(f.name())) {
                throw item.get("name").error("'" + f.name() + "' is already a field of this thing; names must be unique");
            }
            for (RegisterField other : fields) {
                if (overlap(f, other)) {
                    throw item.error("'" + f.name() + "' (" + f.where() + ") overlaps '" + other.name() + "' (" + other.where()
                            + "); two values cannot share registers (only bits of one register can)");
                }
            }
            fields.add(f);
        }
        return fields;
    }

    private RegisterField field(ConfigNode item) throws ConfigException {
        item.expectOnlyKeys(FIELD_KEYS);
        String name = item.string("name");
        if (name.equals("status")) {
            throw item.get("name").error("'status' is the name of the thing's status field; choose another");
        }
        RegisterTable table = RegisterTable.of(item.choice("table", "holding", RegisterTable.keys()));
        boolean words = table.holdsWords();
        ValueType type = ValueType.of(item.choice("type", words ? "uint16" : "boolean", ValueType.keys()));
        if (words && type == ValueType.BOOLEAN) {
            throw item.get("type").error("a " + table.key() + " register holds 16 bits; for one of them use type: bit with bit: 0 to 15");
        }
        if (!words && type != ValueType.BOOLEAN) {
            throw item.get("type").error("a " + table.key() + " holds one bit; its type is boolean");
        }
        int address = address(item);
        if (address + type.registers() - 1 > 0xFFFF) {
            throw item.get("address").error(type.key() + " at " + address + " would run past the last address, 65535");
        }
        int bit = 0;
        if (type == ValueType.BIT) {
            if (!item.has("bit")) {
                throw item.error("type: bit needs bit: 0 to 15 (0 is the lowest)");
            }
            bit = item.integer("bit", 0, 0, 15);
        } else if (item.has("bit")) {
            throw item.get("bit").error("bit goes with type: bit only");
        }
        boolean wordsSwapped = "little".equals(item.choice("word-order", defaultWordOrder, "big", "little"));
        boolean bytesSwapped = "little".equals(item.choice("byte-order", defaultByteOrder, "big", "little"));
        BigDecimal scale = decimal(item, "scale", BigDecimal.ONE);
        if (scale.signum() == 0) {
            throw item.get("scale").error("a scale of 0 would make every value 0");
        }
        BigDecimal offset = decimal(item, "offset", BigDecimal.ZERO);
        if (!type.numeric()) {
            for (String numeric : new String[] {"scale", "offset", "unit", "decimals", "min", "max"}) {
                if (item.has(numeric)) {
                    throw item.get(numeric).error(numeric + " applies to numbers; '" + name + "' is " + type.key());
                }
            }
        }
        int defaultDecimals = type.integral() ? Math.max(0, Math.max(scale.stripTrailingZeros().scale(), offset.stripTrailingZeros().scale())) : 2;
        int decimals = item.integer("decimals", defaultDecimals, 0, 9);
        boolean writable = item.bool("writable", false);
        if (writable && !table.writable()) {
            throw item.get("writable").error(table.describe(address, 1) + " can only be read; holding registers and coils can be written");
        }
        if (writable && type == ValueType.BIT) {
            throw item.get("writable").error("a single bit of a register cannot be written on its own; map the register as uint16 to write it");
        }
        BigDecimal min = item.has("min") ? decimal(item, "min", null) : null;
        BigDecimal max = item.has("max") ? decimal(item, "max", null) : null;
        if ((min != null || max != null) && !writable) {
            throw item.get(min != null ? "min" : "max").error("min and max limit what a command may set; add writable: true or remove them");
        }
        if (min != null && max != null && min.compareTo(max) > 0) {
            throw item.get("min").error("min " + min.toPlainString() + " is above max " + max.toPlainString());
        }
        Duration poll = item.duration("poll-interval", defaultPoll, MIN_POLL, MAX_POLL);
        return new RegisterField(name, table, address, type, bit, wordsSwapped, bytesSwapped, scale, offset,
                item.string("unit", ""), decimals, writable, min, max, poll);
    }

    /** Protocol addresses as datasheets write them: decimal or hexadecimal (0x0156). */
    private static int address(ConfigNode item) throws ConfigException {
        ConfigNode node = item.get("address");
        if (!node.isPresent()) {
            throw node.error("is required: the register's protocol address, 0 to 65535 (0x0000 to 0xFFFF)");
        }
        String text = node.asString().trim();
        try {
            int value = text.toLowerCase().startsWith("0x") ? Integer.parseInt(text.substring(2), 16) : Integer.parseInt(text);
            if (value < 0 || value > 0xFFFF) {
                throw node.error(text + " is out of range; addresses are 0 to 65535 (0x0000 to 0xFFFF). "
                        + "For a 5-digit reference such as 40001 subtract the table's base: 40001 is holding address 0");
            }
            return value;
        } catch (NumberFormatException e) {
            throw node.error("'" + text + "' is not an address; write 0 to 65535 or 0x0000 to 0xFFFF");
        }
    }

    private static BigDecimal decimal(ConfigNode item, String key, BigDecimal defaultValue) throws ConfigException {
        if (!item.has(key)) {
            return defaultValue;
        }
        ConfigNode node = item.get(key);
        try {
            return new BigDecimal(node.asString().trim());
        } catch (NumberFormatException e) {
            throw node.error("'" + node.asString() + "' is not a number");
        }
    }

    private static boolean overlap(RegisterField a, RegisterField b) {
        if (a.table() != b.table() || a.address() > b.lastAddress() || b.address() > a.lastAddress()) {
            return false;
        }
        if (a.type() == ValueType.BIT && b.type() == ValueType.BIT) {
            return a.bit() == b.bit();
        }
        // A bit field may name a flag inside a register that is also read whole (a status word).
        return a.type() != ValueType.BIT && b.type() != ValueType.BIT;
    }
}
