package org.xmppiot.drivers.modbus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fields of a thing polled at one interval, planned as few read requests as the protocol allows: fields of
 * one table are read together while the run stays within the table's request limit (125 registers, 2000 bits,
 * or less where the device says so) and the unmapped gap between two fields is at most {@code readThrough}.
 */
record PollGroup(Duration interval, List<ReadBlock> blocks) {

    static List<PollGroup> plan(List<RegisterField> fields, int readThrough, int maxRegisters) {
        Map<Duration, List<RegisterField>> byInterval = new TreeMap<>();
        for (RegisterField f : fields) {
            byInterval.computeIfAbsent(f.pollInterval(), k -> new ArrayList<>()).add(f);
        }
        List<PollGroup> groups = new ArrayList<>();
        byInterval.forEach((interval, some) -> groups.add(new PollGroup(interval, blocks(some, readThrough, maxRegisters))));
        return groups;
    }

    static List<ReadBlock> blocks(List<RegisterField> fields, int readThrough, int maxRegisters) {
        List<ReadBlock> out = new ArrayList<>();
        for (RegisterTable table : RegisterTable.values()) {
            List<RegisterField> inTable = new ArrayList<>(fields.stream().filter(f -> f.table() == table).toList());
            inTable.sort(Comparator.comparingInt(RegisterField::address).thenComparingInt(RegisterField::lastAddress));
            int limit = table.holdsWords() ? Math.min(maxRegisters, table.maxPerRead()) : table.maxPerRead();
            List<RegisterField> run = new ArrayList<>();
            int first = 0;
            int last = 0;
            for (RegisterField f : inTable) {
                boolean joins = !run.isEmpty() && f.address() - last - 1 <= readThrough
                        && Math.max(last, f.lastAddress()) - first + 1 <= limit;
                if (!joins && !run.isEmpty()) {
                    out.add(new ReadBlock(table, first, last - first + 1, run));
                    run = new ArrayList<>();
                }
                if (run.isEmpty()) {
                    first = f.address();
                    last = f.lastAddress();
                }
                run.add(f);
                last = Math.max(last, f.lastAddress());
            }
            if (!run.isEmpty()) {
                out.add(new ReadBlock(table, first, last - first + 1, run));
            }
        }
        return out;
    }
}
