package org.xmppiot.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.watch.ReadingWatcher;
import org.xmppiot.simulators.xmpp.EjabberdCluster;

/**
 * A fleet on a two-node ejabberd cluster: N gateway processes (the package's JVM options, one simulated thing at one
 * reading a second each), half listing node A first and half node B, a reader on node B subscribed to every gateway.
 * After a minute, the cluster's and the gateways' CPU and RSS; then node A stops, and the time until every gateway
 * runs on node B again, and the readings the reader misses. For 5, 20 and 50 gateways.
 */
final class ClusterScaleBench {

    record Step(int gateways, double clusterCpuPercent, double clusterRssMiB, double gatewayCpuPercent, double gatewayRssMiB,
                double failoverSeconds, long lost) {
        String row() {
            return String.format(Locale.ROOT, "| %d | %.1f | %.0f | %.2f | %.2f | %.1f | %.1f | %d |", gateways, clusterCpuPercent, clusterRssMiB,
                    clusterCpuPercent / gateways, gatewayCpuPercent, gatewayRssMiB, failoverSeconds, lost);
        }
    }

    private static final int WINDOW_SECONDS = 30;

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath();
        Path work = Files.createDirectories(Path.of(args[1]).toAbsolutePath());
        Path jar = root.resolve("gateway/target/xmpp-iot-gateway.jar");
        List<String> launcher = PackageArchive.launcherOptions(root, jar, work);
        List<Step> steps = new ArrayList<>();
        for (int n : new int[] {5, 20, 50}) {
            steps.add(step(jar, launcher, Files.createDirectories(work.resolve("cluster-" + n)), n));
        }
        System.out.println("| gateways | cluster CPU % of a core | cluster RSS MiB | cluster CPU % per gateway | gateway CPU % each | gateway RSS MiB each | failover s (all on node B) | readings lost |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        steps.forEach(s -> System.out.println(s.row()));
    }

    private static Step step(Path jar, List<String> launcher, Path dir, int n) throws Exception {
        System.out.println("== " + n + " gateways");
        try (EjabberdCluster cluster = EjabberdCluster.start(dir)) {
            String a = "127.0.0.1:" + cluster.port(0);
            String b = "127.0.0.1:" + cluster.port(1);
            cluster.register("reader", "reader-password");
            Files.writeString(dir.resolve("reader.password"), "reader-password");
            List<Process> gateways = new ArrayList<>();
            List<String> nodes = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    String user = "site" + i;
                    cluster.register(user, user + "-password");
                    Files.writeString(dir.resolve(user + ".password"), user + "-password");
                    Path file = dir.resolve(user + ".yaml");
                    Files.writeString(file, """
                            store:
                              path: %1$s.db
                            xmpp:
                              jid: %1$s@localhost
                              password-file: %1$s.password
                              servers: [ %2$s ]
                              tls: disabled
                              pubsub:
                                service: pubsub.localhost
                            access:
                              readers: [ reader@localhost ]
                            things:
                              - { id: meter%3$d, driver: simulated, interval: 1s, fields: [ { name: power, unit: W, waveform: random-walk, decimals: 1 } ] }
                            """.formatted(user, i % 2 == 0 ? a + ", " + b : b + ", " + a, i), StandardCharsets.UTF_8);
                    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
                    command.addAll(launcher);
                    command.addAll(List.of("-jar", jar.toString(), "run", "-c", file.toString()));
                    gateways.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(user + ".log").toFile()).start());
                    nodes.add(user + "/meter" + i);
                }
                waitFor(180, () -> countLogs(dir, n, "xmpp connected") >= n);
                Thread.sleep(15_000); // nodes made, JIT warm
                Map<String, Set<Long>> heard = new ConcurrentHashMap<>();
                Path readerFile = dir.resolve("reader.yaml");
                Files.writeString(readerFile, "xmpp:\n  jid: reader@localhost\n  password-file: reader.password\n  servers: [ " + b + " ]\n  tls: disabled\n"
                        + "  pubsub:\n    service: pubsub.localhost\n");
                try (ReadingWatcher reader = ReadingWatcher.measurements(GatewayConfigLoader.loadXmpp(readerFile),
                        r -> heard.computeIfAbsent(r.thingId() + "@" + r.sequence(), k -> ConcurrentHashMap.newKeySet()))) {
                    reader.start(nodes);
                    List<Long> vms = cluster.vmPids();
                    double c0 = cpu(vms);
                    double g0 = cpu(gateways.stream().map(Process::pid).toList());
                    long t0 = System.nanoTime();
                    Thread.sleep(WINDOW_SECONDS * 1000L);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    double clusterCpu = 100 * (cpu(vms) - c0) / seconds;
                    double gatewayCpu = 100 * (cpu(gateways.stream().map(Process::pid).toList()) - g0) / seconds / n;
                    double clusterRss = vms.stream().mapToDouble(p -> ProcessStats.rssMiB(p, false)).sum();
                    double gatewayRss = gateways.stream().mapToDouble(p -> ProcessStats.rssMiB(p.pid(), false)).average().orElse(Double.NaN);

                    int connectedBefore = countLogs(dir, n, "xmpp connected");
                    long stoppedAt = System.nanoTime();
                    cluster.stopNode(0);
                    // Every gateway that was on node A connects again; those on B keep their session.
                    int onA = (n + 1) / 2;
                    waitFor(120, () -> countLogs(dir, n, "xmpp connected") >= connectedBefore + onA);
                    double failover = (System.nanoTime() - stoppedAt) / 1e9;
                    Thread.sleep(10_000);
                    long lost = lost(heard.keySet(), n);
                    Step s = new Step(n, clusterCpu, clusterRss, gatewayCpu, gatewayRss, failover, lost);
                    System.out.println("   " + s.row());
                    return s;
                }
            } finally {
                for (Process p : gateways) {
                    p.destroy();
                }
                for (Process p : gateways) {
                    if (!p.waitFor(15, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                }
            }
        }
    }

    /** Readings missing between the first and the last the reader heard of each gateway's thing. */
    private static long lost(Set<String> heard, int n) {
        long lost = 0;
        for (int i = 0; i < n; i++) {
            String thing = "meter" + i + "@";
            long[] seqs = heard.stream().filter(k -> k.startsWith(thing)).mapToLong(k -> Long.parseLong(k.substring(thing.length()))).sorted().toArray();
            if (seqs.length > 0) {
                lost += (seqs[seqs.length - 1] - seqs[0] + 1) - seqs.length;
            }
        }
        return lost;
    }

    private static double cpu(List<Long> pids) {
        return pids.stream().mapToDouble(ProcessStats::cpuSeconds).filter(d -> !Double.isNaN(d)).sum();
    }

    private static int countLogs(Path dir, int n, String text) {
        int count = 0;
        for (int i = 0; i < n; i++) {
            try {
                count += (int) Files.readString(dir.resolve("site" + i + ".log")).lines().filter(l -> l.contains(text)).count();
            } catch (Exception e) {
                // not written yet
            }
        }
        return count;
    }

    private static void waitFor(int seconds, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not reached within " + seconds + " s");
            }
            Thread.sleep(200);
        }
    }
}
