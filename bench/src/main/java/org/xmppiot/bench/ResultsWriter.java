package org.xmppiot.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;


import org.xmppiot.gateway.demo.ProsodyServer;

/** Writes e2e.csv (for the chart) and RESULTS.md (machine, versions, figures, ratios), and prints the ratio table. */
final class ResultsWriter {

    private final Comparison c;
    private final ProsodyServer server;
    private final Path results;

    ResultsWriter(Comparison c, ProsodyServer server, Path results) {
        this.c = c;
        this.server = server;
        this.results = results;
    }

    void write() throws IOException {
        StringBuilder csv = new StringBuilder("peer,offered,delivered,p50_ms,p99_ms,max_ms,cpu_us_per_reading,rss_mib,kept_up,server_cpu_us_per_reading\n");
        for (StepResult r : c.steps) {
            csv.append(String.format(Locale.ROOT, "%s,%.1f,%.1f,%.2f,%.2f,%.2f,%.2f,%.1f,%s,%.2f%n", r.peer(), r.offered(), r.delivered(),
                    r.p50(), r.p99(), r.max(), r.cpuMicrosPerReading(), r.rssMiB(), r.keptUp(), r.serverCpuMicrosPerReading()));
        }
        Files.writeString(results.resolve("e2e.csv"), csv, StandardCharsets.UTF_8);

        String ratios = ratioTable();
        System.out.println();
        System.out.println(ratios);
        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results\n\n");
        md.append("Produced by `bash bench/run.sh` on ").append(LocalDate.now()).append(". Machine: ").append(machine()).append(".\n");
        md.append("Java ").append(System.getProperty("java.version")).append(" (").append(System.getProperty("java.vm.name")).append("), ")
                .append("Prosody " + CommandOutput.of("dpkg-query", "-W", "-f", "${Version}", "prosody")).append(", Node.js ").append(NodeRedPeer.nodeVersion()).append(".\n\n");
        md.append("Server: Prosody on 127.0.0.1, plain TCP (no TLS, loopback), pub/sub component with `storage = \"memory\"` ")
                .append("(the default file storage rewrites a node's items per publish and caps everyone near 130 items/s), ")
                .append("nodes with up to 100 items. Every peer publishes to the same server with the same account and the same XEP-0323 `fields` payload; ")
                .append("a subscriber (Smack, separate account) takes each reading's latency from the `sent` time the device wrote into it. ")
                .append(Comparison.DEVICES).append(" devices on socat pseudo-terminals share each offered rate; each step is ")
                .append(Comparison.WARMUP.toSeconds()).append(" s warm-up (").append(Comparison.FIRST_WARMUP.toSeconds())
                .append(" s for a peer's first step, while its runtime compiles) and ").append(Comparison.WINDOW.toSeconds())
                .append(" s measured (").append(Comparison.FIRST_WINDOW.toSeconds())
                .append(" s for the first step, 100 readings/s, so that it carries its share of periodic work such as the store's commits); a peer that delivers under 95 % of what was offered, or has not caught up ")
                .append(Comparison.DRAIN.toSeconds()).append(" s later, is not tried at higher rates.\n\n");
        md.append("## Peers\n\n");
        c.descriptions.forEach((k, v) -> md.append("- `").append(k).append("`: ").append(v).append('\n'));
        md.append("\n## Targets\n\n```\n").append(ratios).append("```\n\n");
        md.append("## End to end\n\n| peer | offered/s | delivered/s | p50 ms | p99 ms | max ms | CPU µs/reading | Prosody CPU µs/reading | RSS MiB | kept up |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (StepResult r : c.steps) {
            md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.1f | %.1f | %.1f | %.1f | %.1f | %.0f | %s |%n", r.peer(), r.offered(), r.delivered(),
                    r.p50(), r.p99(), r.max(), r.cpuMicrosPerReading(), r.serverCpuMicrosPerReading(), r.rssMiB(), r.keptUp() ? "yes" : "no"));
        }
        md.append("\n| peer | start to first reading delivered, s | RSS when idle, MiB |\n|---|---|---|\n");
        c.startSeconds.forEach((k, v) -> md.append(String.format(Locale.ROOT, "| %s | %.2f | %.0f |%n", k, v, c.idleRssMiB.getOrDefault(k, Double.NaN))));
        if (c.cageReport != null) {
            md.append("\nPi-like run (`").append(Comparison.PI_CAGED).append("`): ").append(c.cageReport).append(".\n");
        }
        if (c.serverFloor != null) {
            md.append(String.format(Locale.ROOT, "%nServer floor, one Smack client publishing 100 readings/s, one per item, straight to the node: "
                    + "p50 %.1f ms, p99 %.1f ms, max %.1f ms.%n", c.serverFloor.p50(), c.serverFloor.p99(), c.serverFloor.max()));
        }
        md.append("\nServer ceiling, one Smack client publishing as fast as confirmed (64 in flight):\n\n");
        c.ceiling.forEach((k, v) -> md.append(String.format(Locale.ROOT, "- `%s`: %.0f readings/s%n", k, v)));
        if (!c.replay.isEmpty()) {
            md.append("\n## Replay after an outage\n\n");
            c.replay.stream().filter(r -> r != null).forEach(r -> md.append("- ").append(r.describe()).append('\n'));
        }
        if (!c.wear.isEmpty()) {
            md.append("\n## SD card: what the store writes\n\nOne simulated thing, the store's defaults, the package's JVM options, ")
                    .append("publishing to the same Prosody; bytes from the process's `write_bytes` (/proc/PID/io), fsyncs counted by strace; ")
                    .append("the file system's bytes are what the store's own ext4 (a loop-mounted image; root only) wrote to its device, ")
                    .append("journal included, once written back. Bytes per reading include what the checkpoint that copies the window's ")
                    .append("commits into the store file will write (each page they changed, once, read from the log's frames): at low rates ")
                    .append("a checkpoint comes minutes after the window, and without it a window would show half the cost.\n\n")
                    .append("`synchronous=NORMAL` rows: the same with commits not synced (what the power-cut guarantee costs; see README).\n\n")
                    .append("| readings/s | SQLite synchronous | measured s | readings | bytes written per reading | of which the checkpoint to come ")
                    .append("| file system's bytes per reading (without it) | fsyncs per minute | MB per day |\n|---|---|---|---|---|---|---|---|---|\n");
            for (WearBench.Step w : c.wear) {
                md.append(String.format(Locale.ROOT, "| %d | %s | %.0f | %d | %.0f | %.0f | %.0f | %.1f | %.1f |%n", w.rate(), w.synchronous(),
                        w.seconds(), w.readings(), w.bytesPerReading(), w.checkpointBytesPerReading(), w.fileSystemBytesPerReading(),
                        w.fsyncsPerMinute(), w.megabytesPerDay()));
            }
        }
        if (c.modbus != null) {
            md.append("\n## Modbus TCP polls per second\n\nBoth read 20 input registers (ten float32 values) one request at a time on one ")
                    .append("TCP connection from the same pymodbus slave (Debian's python3-pymodbus) on 127.0.0.1, one after the other; the slave ")
                    .append("shares the machine's cores with the poller, so the figures are the pair's, not the gateway's alone.\n\n- ")
                    .append(c.modbus.describe()).append('\n');
        }
        if (c.httpRss != null) {
            md.append("\n## Status page memory\n\n- ").append(c.httpRss.describe()).append('\n');
        }
        Path jmh = results.resolve("jmh.txt");
        if (Files.exists(jmh)) {
            md.append("\n## In-process (JMH)\n\n```\n");
            boolean table = false;
            for (String line : Files.readAllLines(jmh)) {
                table |= line.startsWith("Benchmark ");
                if (table && !line.isBlank()) {
                    md.append(line).append('\n');
                }
            }
            md.append("```\n");
        }
        md.append("\n![throughput and latency](e2e.png)\n");
        md.append(beforeAndAfter());
        Files.writeString(results.resolve("RESULTS.md"), md, StandardCharsets.UTF_8);
    }

    /** The README's account of the last change measured (before and after, what is not met and why), kept with the figures. */
    private String beforeAndAfter() throws IOException {
        Path readme = results.getParent().resolve("README.md");
        if (!Files.exists(readme)) {
            return "";
        }
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int at = text.indexOf("\n## Before and after");
        return at < 0 ? "" : "\n" + text.substring(at + 1);
    }

    private String ratioTable() {
        List<String[]> rows = new ArrayList<>();
        double gw = best("gateway");
        double nodeRed = best("node-red");
        double node = best("node");
        double ceiling20 = c.ceiling.getOrDefault("smack-raw-20", Double.NaN);
        rows.add(row("gateway readings/s end to end (most delivered)", ">= 5000", gw, gw >= 5000));
        double keptUp = c.steps.stream().filter(r -> r.peer().equals("gateway") && r.keptUp()).mapToDouble(StepResult::offered).max().orElse(Double.NaN);
        rows.add(row("gateway highest offered rate kept up with", "(info)", keptUp, true));
        rows.add(row("gateway / Node-RED readings/s", ">= 5", gw / nodeRed, gw / nodeRed >= 5));
        rows.add(row("gateway / plain Node readings/s", "(info)", gw / node, true));
        // The ceiling is what the server confirms flat out; the gateway only gets the rates the devices offer.
        rows.add(row("gateway / raw Smack ceiling (20 readings per item)", ">= 0.8", gw / ceiling20, gw / ceiling20 >= 0.8));
        double p99 = at("gateway", 100).map(StepResult::p99).orElse(Double.NaN);
        double p99Low = at("gateway-low-latency", 100).map(StepResult::p99).orElse(Double.NaN);
        rows.add(row("p99 ms at 100/s, JVM defaults", "<= 20", p99, p99 <= 20));
        double p99Pi = at(Comparison.PI, 100).map(StepResult::p99).orElse(Double.NaN);
        rows.add(row("p99 ms at 100/s, package's JVM options", "<= 20", p99Pi, p99Pi <= 20));
        rows.add(row("p99 ms at 100/s, commit-interval 0ms", "<= 20", p99Low, p99Low <= 20));
        rows.add(row("server floor p99 ms at 100/s (Smack publish -> notify)", "(info)", c.serverFloor == null ? Double.NaN : c.serverFloor.p99(), true));
        double start = c.startSeconds.getOrDefault("gateway", Double.NaN);
        rows.add(row("gateway start to first publish, s", "<= 2", start, start <= 2));
        double startPi = c.startSeconds.getOrDefault(Comparison.PI, Double.NaN);
        rows.add(row("package's JVM options: start to first publish, s", "<= 2", startPi, startPi <= 2));
        double p99At1000 = at("gateway", 1000).map(StepResult::p99).orElse(Double.NaN);
        rows.add(row("p99 ms at 1000/s, JVM defaults", "<= 50", p99At1000, p99At1000 <= 50));
        double p99PiAt1000 = at(Comparison.PI, 1000).map(StepResult::p99).orElse(Double.NaN);
        rows.add(row("p99 ms at 1000/s, package's JVM options", "<= 50", p99PiAt1000, p99PiAt1000 <= 50));
        double p99OneCore = at(Comparison.PI_ONE_CORE, 100).map(StepResult::p99).orElse(Double.NaN);
        rows.add(row("p99 ms at 100/s, package's options on one core", "(info)", p99OneCore, true));
        for (ReplayBench.Result r : c.replay) {
            double replay = r == null ? Double.NaN : r.readingsPerSecond();
            rows.add(row("replay of a 10-min outage, readings/s, SQL, items of " + (r == null ? "?" : r.readingsPerItem()), ">= 10000",
                    replay, replay >= 10000));
        }
        for (WearBench.Step w : c.wear) {
            if (w.storeDefaults() && (w.rate() == 1 || w.rate() == 100)) {
                int target = w.rate() == 1 ? 1000 : 100;
                rows.add(row("bytes written per reading at " + w.rate() + "/s, store defaults", "<= " + target, w.bytesPerReading(),
                        w.bytesPerReading() <= target));
            }
        }
        // CPU per reading against Node-RED's in this run, and against the Prosody that took the publishes in the same step.
        double cpuPi = at(Comparison.PI, 1000).map(StepResult::cpuMicrosPerReading).orElse(Double.NaN);
        double cpuNodeRed = at("node-red", 1000).map(StepResult::cpuMicrosPerReading).orElse(Double.NaN);
        rows.add(row("CPU/reading at 1000/s, package's options / Node-RED", "<= 0.25", cpuPi / cpuNodeRed, cpuPi / cpuNodeRed <= 0.25));
        double serverPi = at(Comparison.PI, 1000).map(StepResult::serverCpuMicrosPerReading).orElse(Double.NaN);
        rows.add(row("CPU/reading at 1000/s, package's options / Prosody", "<= 0.15", cpuPi / serverPi, cpuPi / serverPi <= 0.15));
        double cpuPi100 = at(Comparison.PI, 100).map(StepResult::cpuMicrosPerReading).orElse(Double.NaN);
        double serverPi100 = at(Comparison.PI, 100).map(StepResult::serverCpuMicrosPerReading).orElse(Double.NaN);
        rows.add(row("CPU/reading at 100/s, package's options / Prosody", "<= 0.2", cpuPi100 / serverPi100, cpuPi100 / serverPi100 <= 0.2));
        boolean cagedKeptUp = at(Comparison.PI_CAGED, 1000).map(StepResult::keptUp).orElse(false);
        double cagedP99 = at(Comparison.PI_CAGED, 1000).map(StepResult::p99).orElse(Double.NaN);
        rows.add(row("Pi-like (1 core, 256 MiB cgroup): p99 ms at 1000/s, kept up", "kept up", cagedP99, cagedKeptUp));
        rows.add(row("Pi-like (1 core, 256 MiB cgroup): killed for memory", "0", c.cageOomKills < 0 ? Double.NaN : c.cageOomKills,
                c.cageOomKills == 0));
        double rss = at("gateway", 1000).map(StepResult::rssMiB).orElse(Double.NaN) / at("node-red", 1000).map(StepResult::rssMiB).orElse(Double.NaN);
        rows.add(row("RSS gateway (JVM defaults) / Node-RED at 1000/s", "(info)", rss, true));
        double rssPi = at(Comparison.PI, 1000).map(StepResult::rssMiB).orElse(Double.NaN) / at("node-red", 1000).map(StepResult::rssMiB).orElse(Double.NaN);
        rows.add(row("RSS package's options / Node-RED at 1000/s", "<= 0.5", rssPi, rssPi <= 0.5));
        double rssGrowth = at(Comparison.PI, 5000).map(StepResult::rssMiB).orElse(Double.NaN) / at(Comparison.PI, 100).map(StepResult::rssMiB).orElse(Double.NaN);
        rows.add(row("RSS package's options, 5000/s over 100/s", "<= 1.2", rssGrowth, rssGrowth <= 1.2));
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-52s %-8s %10s  %s%n", "measure", "target", "value", "met"));
        for (String[] r : rows) {
            b.append(String.format(Locale.ROOT, "%-52s %-8s %10s  %s%n", (Object[]) r));
        }
        return b.toString();
    }

    private static String[] row(String what, String target, double value, boolean met) {
        return new String[] {what, target, Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.2f", value),
                Double.isNaN(value) ? "not measured" : met ? "yes" : "NO"};
    }

    /** A peer's capacity: the most readings per second it delivered at any offered rate (saturated or not). */
    private double best(String peer) {
        return c.steps.stream().filter(r -> r.peer().equals(peer)).mapToDouble(StepResult::delivered).max().orElse(Double.NaN);
    }

    private java.util.Optional<StepResult> at(String peer, double rate) {
        return c.steps.stream().filter(r -> r.peer().equals(peer) && Math.abs(r.offered() - rate) < rate * 0.1).findFirst();
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
        } catch (IOException ignored) {
            // Reported as unknown.
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                + String.format(Locale.ROOT, "%.0f GiB", ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize() / (1024.0 * 1024 * 1024)) + " RAM, " + System.getProperty("os.name") + " " + System.getProperty("os.version");
    }
}
