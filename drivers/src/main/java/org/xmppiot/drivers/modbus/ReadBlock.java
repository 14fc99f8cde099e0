package org.xmppiot.drivers.modbus;

import java.util.List;

/** One read request: a run of registers (or bits) of one table, and the fields that lie in it. */
record ReadBlock(RegisterTable table, int first, int count, List<RegisterField> fields) {

    ReadBlock {
        fields = List.copyOf(fields);
    }

    String describe() {
        return table.describe(first, count);
    }
}
