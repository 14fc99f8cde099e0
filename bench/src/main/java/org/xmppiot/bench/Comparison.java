package org.xmppiot.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.jxmpp.jid.impl.JidCreate;
import org.xmppiot.gateway.demo.ProsodyServer;

/**
 * The end-to-end comparison: devices on pseudo-terminals at offered rates -> a peer -> a real Prosody
 * -> a subscriber that measures throughput and latency, while the peer's CPU time and RSS are read
 * from /proc. Peers: the gateway (defaults, and a small-Pi JVM), a plain Node.js script and Node-RED;
 * then a raw Smack publisher for the server's ceiling. Usage: Comparison <repo root> <work dir> <results dir>
 */
public final class Comparison {

    static final int DEVICES = 4;
    static final double[] RATES = {100, 1000, 2500, 5000, 10000};
    static final Duration WARMUP = Duration.ofSeconds(3);
    /**
     * The first step after a peer starts warms up longer: both runtimes compile their hot code in their first
     * seconds (the gateway's compiler thread took a third of its CPU at 100 readings/s in a 3 s warm-up, and with the
     * package's C1-only options still 1-3 ms a second 20-30 s after start), a one-off cost that a steady-state figure
     * per reading must not carry.
     */
    static final Duration FIRST_WARMUP = Duration.ofSeconds(Long.getLong("bench.first-warmup", 60));
    static final Duration WINDOW = Duration.ofSeconds(10);
    /**
     * The first step (100 readings/s) is measured longer: there a reading's share of periodic work is largest and a
     * 10 s window holds one instance of it or none (the store commits readings the server confirmed every 25 s at this
     * rate, at some 15 ms each; the package's serial collector runs a full collection about once a minute, some 20 ms).
     * Two commit periods carry their share exactly.
     */
    static final Duration FIRST_WINDOW = Duration.ofSeconds(Long.getLong("bench.first-window", 50));
    static final Duration DRAIN = Duration.ofSeconds(15);

    private final Path work;
    private final BenchXmpp xmpp;
    private final long clockZero = System.nanoTime();
    final List<StepResult> steps = new ArrayList<>();
    final Map<String, String> descriptions = new LinkedHashMap<>();
    final Map<String, Double> startSeconds = new LinkedHashMap<>();
    final Map<String, Double> idleRssMiB = new LinkedHashMap<>();
    final Map<String, Double> ceiling = new LinkedHashMap<>();
    LatencyRecorder.Window serverFloor;
    final List<ReplayBench.Result> replay = new ArrayList<>();
    final List<WearBench.Step> wear = new ArrayList<>();
    ModbusPollBench.Result modbus;
    HttpRssBench.Result httpRss;
    /** The gateway with the JVM options of the Debian package. */
    static final String PI = "gateway-pi";
    static final String PI_ONE_CORE = "gateway-pi-1-core";
    /** One core and a 256 MiB memory cgroup: a small Pi's share. */
    static final String PI_CAGED = "gateway-pi-1-core-256m";
    static final long PI_MEMORY_BYTES = 256L << 20;
    String cageReport;
    long cageOomKills = -1;

    Comparison(Path work, BenchXmpp xmpp) {
        this.work = work;
        this.xmpp = xmpp;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath();
        Path work = Files.createDirectories(Path.of(args[1]).toAbsolutePath());
        Path results = Files.createDirectories(Path.of(args[2]).toAbsolutePath());
        Path jar = root.resolve("gateway/target/xmpp-iot-gateway.jar");
        Path peers = root.resolve("bench/peers");
        ProsodyServer.Options options = ProsodyServer.Options.withPubSubAdmins("gateway@localhost").withItemStorage(ProsodyServer.ItemStorage.MEMORY);
        try (ProsodyServer server = ProsodyServer.start(options)) {
            Comparison c = new Comparison(work, new BenchXmpp(server, work));
            List<String> launcher = PackageArchive.launcherOptions(root, jar, work);
            c.runPeer(new GatewayPeer("gateway", jar, List.of(), 20, "200ms"), RATES);
            c.runPeer(new GatewayPeer(PI, jar, launcher, 20, "200ms"), new double[] {100, 1000, 5000});
            // One core stands in for a Pi Zero 2 W (four slow cores, shared with everything else on it).
            c.runPeer(new GatewayPeer(PI_ONE_CORE, jar, launcher, 20, "200ms", List.of("taskset", "-c", "1")), new double[] {100, 1000});
            c.runCaged(jar, launcher);
            c.runPeer(new GatewayPeer("gateway-low-latency", jar, List.of(), 20, "0ms").withPubSub("item-interval", "0ms"), new double[] {100});
            c.runPeer(new NodePeer(peers.resolve("node")), RATES);
            c.runPeer(new NodeRedPeer(peers.resolve("node-red"), peers.resolve("node/publisher.js"), work.resolve("node-red-user")), RATES);
            c.measureServerFloor();
            c.measureCeiling(1);
            c.measureCeiling(20);
            c.replay.add(new ReplayBench(jar, launcher, work.resolve("replay-20"), 20).run());
            c.replay.add(new ReplayBench(jar, launcher, work.resolve("replay-100"), 100).run());
            System.out.println("== SD card: bytes written per reading, store defaults, package's JVM options");
            c.wear.addAll(new WearBench(jar, launcher, work.resolve("wear")).run(server, c.xmpp));
            System.out.println("== Modbus TCP: polls per second, the gateway's driver and a pymodbus client against one pymodbus slave");
            c.modbus = new ModbusPollBench(work.resolve("modbus"), peers.resolve("pymodbus/poll.py")).run();
            System.out.println("== Status page: the RSS the HTTP server adds with the page open in a browser");
            c.httpRss = new HttpRssBench(jar, launcher, work.resolve("http-rss")).run(c.xmpp);
            new ResultsWriter(c, server, results).write();
        }
    }

    /**
     * A Pi-like run: the package's options on one core inside a 256 MiB memory cgroup, at 100 and 1,000 readings/s: keeps
     * up or not (the steps say), and whether the kernel had to kill anything.
     */
    void runCaged(Path jar, List<String> launcher) throws Exception {
        MemoryCage cage;
        try {
            cage = MemoryCage.create("xmpp-iot-bench-pi", PI_MEMORY_BYTES);
        } catch (java.io.IOException e) {
            cageReport = "not measured: " + e.getMessage();
            System.out.println("== " + PI_CAGED + ": " + cageReport);
            return;
        }
        try (cage) {
            List<String> prefix = new ArrayList<>(cage.commandPrefix());
            prefix.addAll(List.of("taskset", "-c", "1"));
            runPeer(new GatewayPeer(PI_CAGED, jar, launcher, 20, "200ms", prefix), new double[] {100, 1000});
            cageOomKills = cage.oomKills();
            cageReport = String.format(java.util.Locale.ROOT, "%s, limit %d MiB: the cgroup's peak %.0f MiB (page cache included), %d process(es) killed for memory",
                    cage.describe(), PI_MEMORY_BYTES >> 20, cage.peakMiB(), cageOomKills);
            System.out.println("   " + cageReport);
        }
    }

    void runPeer(Peer peer, double[] rates) throws Exception {
        System.out.println("== " + peer.name() + ": " + peer.description());
        descriptions.put(peer.name(), peer.description());
        Path dir = Files.createDirectories(work.resolve(peer.name()));
        List<Peer.Device> devices = new ArrayList<>();
        LatencyRecorder recorder = new LatencyRecorder();
        try (DeviceFeed feed = new DeviceFeed(dir, DEVICES, clockZero);
             Subscriber subscriber = new Subscriber(xmpp, peer.name(), clockZero, recorder)) {
            for (int i = 0; i < DEVICES; i++) {
                devices.add(new Peer.Device(feed.ports().get(i), "dev" + (i + 1), "bench/" + peer.name() + "/dev" + (i + 1)));
            }
            if (peer.needsNodes()) {
                createNodes(devices);
                subscriber.subscribe(devices.stream().map(Peer.Device::node).toList(), Duration.ofSeconds(10));
            }
            feed.offer(RATES[0]);
            long started = System.nanoTime();
            Process process = peer.start(dir, devices, xmpp);
            try {
                if (!peer.needsNodes()) {
                    subscriber.subscribe(devices.stream().map(Peer.Device::node).toList(), Duration.ofSeconds(60));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (subscriber.firstItemNanos() == 0 && System.nanoTime() < deadline && process.isAlive()) {
                    Thread.sleep(5);
                }
                if (subscriber.firstItemNanos() == 0) {
                    System.out.println("   no reading arrived; see " + dir.resolve(peer.name() + ".log"));
                    return;
                }
                startSeconds.put(peer.name(), (subscriber.firstItemNanos() - started) / 1e9);
                if (!peer.needsNodes()) {
                    subscriber.resubscribe(devices.stream().map(Peer.Device::node).toList());
                }
                // Lines written before the peer opened its ports are gone: they are the baseline of what is never delivered.
                feed.offer(0);
                settle(recorder);
                long neverDelivered = feed.sent() - recorder.received();
                idleRssMiB.put(peer.name(), ProcessStats.rssMiB(process.pid(), false));
                Duration warmup = FIRST_WARMUP;
                Duration window = FIRST_WINDOW;
                for (double rate : rates) {
                    StepResult r = step(peer, process, feed, recorder, rate, neverDelivered, warmup, window);
                    warmup = WARMUP;
                    window = WINDOW;
                    steps.add(r);
                    System.out.printf("   offered %6.0f/s delivered %7.1f/s p50 %8.1f ms p99 %8.1f ms max %8.1f ms cpu %6.1f us/reading (Prosody %6.1f) rss %6.1f MiB%s%n",
                            r.offered(), r.delivered(), r.p50(), r.p99(), r.max(), r.cpuMicrosPerReading(), r.serverCpuMicrosPerReading(), r.rssMiB(), r.keptUp() ? "" : "  (fell behind)");
                    if (!r.keptUp()) {
                        break; // Higher rates would only measure a growing backlog.
                    }
                }
                if (subscriber.duplicates() > 0) {
                    System.out.println("   " + subscriber.duplicates() + " item(s) were notified twice; each counted once");
                }
            } finally {
                process.destroy();
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Waits until nothing more arrives for a second (at most the drain time). */
    private static void settle(LatencyRecorder recorder) throws InterruptedException {
        long end = System.nanoTime() + DRAIN.toNanos();
        long last = -1;
        while (System.nanoTime() < end && recorder.received() != last) {
            last = recorder.received();
            Thread.sleep(1000);
        }
    }

    private StepResult step(Peer peer, Process process, DeviceFeed feed, LatencyRecorder recorder, double rate, long neverDelivered,
            Duration warmup, Duration window) throws Exception {
        feed.offer(rate);
        Thread.sleep(warmup.toMillis());
        long sent0 = feed.sent();
        long received0 = recorder.received();
        double cpu0 = ProcessStats.cpuSeconds(process.pid());
        double server0 = ProcessStats.treeCpuSeconds(xmpp.serverPid());
        recorder.startWindow();
        long t0 = System.nanoTime();
        Thread.sleep(window.toMillis());
        LatencyRecorder.Window w = recorder.endWindow();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long sent = feed.sent() - sent0;
        long received = recorder.received() - received0;
        double cpu = ProcessStats.cpuSeconds(process.pid()) - cpu0;
        double serverCpu = ProcessStats.treeCpuSeconds(xmpp.serverPid()) - server0;
        double rss = ProcessStats.rssMiB(process.pid(), false);
        // Between steps the backlog must clear, or the next step measures this one's.
        feed.offer(0);
        long drainEnd = System.nanoTime() + DRAIN.toNanos();
        while (feed.sent() - recorder.received() > neverDelivered && System.nanoTime() < drainEnd) {
            Thread.sleep(20);
        }
        boolean keptUp = feed.sent() - recorder.received() <= neverDelivered && received >= 0.95 * sent;
        return new StepResult(peer.name(), sent / seconds, received / seconds, w.p50(), w.p99(), w.max(),
                received == 0 ? Double.NaN : cpu * 1e6 / received, rss, keptUp, received == 0 ? Double.NaN : serverCpu * 1e6 / received);
    }

    private void createNodes(List<Peer.Device> devices) throws Exception {
        XMPPTCPConnection admin = xmpp.connect(BenchXmpp.GATEWAY, "setup");
        try {
            PubSubManager pubsub = PubSubManager.getInstanceFor(admin, JidCreate.bareFrom(ProsodyServer.PUBSUB_SERVICE));
            for (Peer.Device d : devices) {
                pubsub.createNode(d.node());
            }
        } finally {
            admin.disconnect();
        }
    }

    /** Latency of publishing and notification alone: a Smack client publishing 100 readings/s, one per item. */
    private void measureServerFloor() throws Exception {
        List<String> nodes = List.of("bench/floor/dev1");
        createNodes(List.of(new Peer.Device(null, "dev1", nodes.get(0))));
        LatencyRecorder recorder = new LatencyRecorder();
        try (Subscriber subscriber = new Subscriber(xmpp, "floor", clockZero, recorder)) {
            subscriber.subscribe(nodes, Duration.ofSeconds(10));
            XMPPTCPConnection publisher = xmpp.connect(BenchXmpp.GATEWAY, "floor");
            try {
                RawSmackPublisher.paced(publisher, nodes, 100, WARMUP.toSeconds(), clockZero);
                recorder.startWindow();
                RawSmackPublisher.paced(publisher, nodes, 100, WINDOW.toSeconds(), clockZero);
                Thread.sleep(500);
                serverFloor = recorder.endWindow();
                System.out.printf("== server floor at 100/s: p50 %.1f ms p99 %.1f ms max %.1f ms%n", serverFloor.p50(), serverFloor.p99(), serverFloor.max());
            } finally {
                publisher.disconnect();
            }
        }
    }

    private void measureCeiling(int readingsPerItem) throws Exception {
        String name = "smack-raw-" + readingsPerItem;
        List<Peer.Device> devices = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            devices.add(new Peer.Device(null, "dev" + (i + 1), "bench/" + name + "/dev" + (i + 1)));
        }
        createNodes(devices);
        LatencyRecorder recorder = new LatencyRecorder();
        try (Subscriber subscriber = new Subscriber(xmpp, name, clockZero, recorder)) {
            subscriber.subscribe(devices.stream().map(Peer.Device::node).toList(), Duration.ofSeconds(10));
            XMPPTCPConnection publisher = xmpp.connect(BenchXmpp.GATEWAY, name);
            try {
                RawSmackPublisher.run(publisher, devices.stream().map(Peer.Device::node).toList(), readingsPerItem, WARMUP.toSeconds(), clockZero);
                long r0 = recorder.received();
                long t0 = System.nanoTime();
                long confirmed = RawSmackPublisher.run(publisher, devices.stream().map(Peer.Device::node).toList(), readingsPerItem, WINDOW.toSeconds(), clockZero);
                double seconds = (System.nanoTime() - t0) / 1e9;
                Thread.sleep(2000);
                double delivered = Math.min(confirmed, recorder.received() - r0) / seconds;
                ceiling.put(name, delivered);
                System.out.printf("== %s: %.0f readings/s confirmed and delivered (%d readings per item)%n", name, delivered, readingsPerItem);
            } finally {
                publisher.disconnect();
            }
        }
    }
}
