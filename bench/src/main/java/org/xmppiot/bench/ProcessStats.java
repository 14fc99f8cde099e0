package org.xmppiot.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's CPU time and resident memory from /proc (Linux). */
final class ProcessStats {

    private static final double CLOCK_TICKS = 100.0; // USER_HZ on Linux.

    private ProcessStats() {
    }

    /** User plus system CPU seconds of the process and its waited-for children. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // After the name: state(0) ... utime(11) stime(12) cutime(13) cstime(14).
            return (Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14])) / CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * CPU seconds of the process and everything it started that still runs: a server started under a watchdog shell
     * ({@code WatchedProcess}) does its work in a child the shell has not waited for.
     */
    static double treeCpuSeconds(long pid) {
        double sum = cpuSeconds(pid);
        for (ProcessHandle child : ProcessHandle.of(pid).map(h -> h.descendants().toList()).orElse(java.util.List.of())) {
            double cpu = cpuSeconds(child.pid());
            sum += Double.isNaN(cpu) ? 0 : cpu;
        }
        return sum;
    }

    /** Resident set size in MiB ({@code VmRSS}), or the peak ({@code VmHWM}). */
    static double rssMiB(long pid, boolean peak) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(peak ? "VmHWM:" : "VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Gone: reported as unknown.
        }
        return Double.NaN;
    }
}
