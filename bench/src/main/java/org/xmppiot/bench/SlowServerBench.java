package org.xmppiot.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.pubsub.LeafNode;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.jivesoftware.smackx.pubsub.listener.ItemEventListener;
import org.jxmpp.jid.impl.JidCreate;
import org.xmppiot.gateway.demo.ProsodyServer;
import org.xmppiot.gateway.iotdata.SensorDataFields;

/**
 * The gateway with its defaults against a slow server: Prosody's default file storage for pub/sub, which rewrites a
 * node's items on every publish and confirms some 10 to 130 items a second. One simulated thing at 100 readings/s for
 * 5 minutes (or as given), the package's JVM options; every 30 s the backlog (readings the store has taken that the
 * subscriber has not seen), then whether every reading from the subscriber's first item on arrived. Optional last
 * argument: a {@code readings-per-item} to set instead of the default, to show what the default changes.
 *
 * <pre>java -cp ... org.xmppiot.bench.SlowServerBench REPO WORK [readings/s [seconds [readings-per-item]]]</pre>
 */
public final class SlowServerBench {

    private static final long SAMPLE_SECONDS = 30;
    private static final long DRAIN_SECONDS = 120;

    private final int rate;
    private final long runSeconds;
    private final BitSet received = new BitSet();
    private volatile long firstAfterSubscribe = -1;
    private volatile boolean subscribed;

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args[0]).toAbsolutePath();
        Path work = Files.createDirectories(Path.of(args[1]).toAbsolutePath());
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        long seconds = args.length > 3 ? Long.parseLong(args[3]) : 300;
        String perItem = args.length > 4 ? args[4] : null;
        Path jar = repo.resolve("gateway/target/xmpp-iot-gateway.jar");
        new SlowServerBench(rate, seconds).run(jar, PackageArchive.launcherOptions(repo, jar, work), work, perItem);
    }

    private SlowServerBench(int rate, long runSeconds) {
        this.rate = rate;
        this.runSeconds = runSeconds;
    }

    private void run(Path jar, List<String> jvmOptions, Path work, String perItem) throws Exception {
        Path db = work.resolve("slow.db");
        Files.deleteIfExists(db);
        ProsodyServer.Options options = ProsodyServer.Options.withPubSubAdmins("gateway@localhost")
                .withItemStorage(ProsodyServer.ItemStorage.FILES);
        try (ProsodyServer server = ProsodyServer.start(options)) {
            BenchXmpp xmpp = new BenchXmpp(server, work);
            String node = "bench/slow/dev1";
            Path file = work.resolve("slow.yaml");
            Files.writeString(file, "store:\n  path: " + db + "\n" + xmpp.xmppSection(BenchXmpp.GATEWAY)
                    + "    node-prefix: bench/slow/\n" + (perItem == null ? "" : "    readings-per-item: " + perItem + "\n")
                    + "access:\n  readers: [ reader@localhost ]\n"
                    + "things:\n  - { id: dev1, driver: simulated, interval: " + (1000 / rate) + "ms, fields: [ { name: power, unit: W } ] }\n",
                    StandardCharsets.UTF_8);
            String setting = perItem == null ? "defaults" : "readings-per-item " + perItem;
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", jar.toString(), "run", "-c", file.toString()));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("slow.log").toFile()).start();
            XMPPTCPConnection reader = xmpp.connect(BenchXmpp.READER, "slow");
            try {
                LeafNode leaf = awaitNode(reader, node);
                leaf.addItemEventListener((ItemEventListener<PayloadItem<SensorDataFields>>) event -> {
                    for (PayloadItem<SensorDataFields> item : event.getItems()) {
                        take(item.getPayload());
                    }
                });
                leaf.subscribe(reader.getUser().asBareJid());
                awaitFirst();
                // The gateway makes its nodes whitelist-only once made, which may drop a subscription made before: again.
                leaf.subscribe(reader.getUser().asBareJid());
                subscribed = true;
                long start = System.nanoTime();
                long maxBacklog = 0;
                List<String> samples = new ArrayList<>();
                for (long t = SAMPLE_SECONDS; t <= runSeconds; t += SAMPLE_SECONDS) {
                    Thread.sleep(Math.max(0, TimeUnit.SECONDS.toMillis(t) - (System.nanoTime() - start) / 1_000_000));
                    long backlog = Math.max(0, taken(db) - seen());
                    maxBacklog = Math.max(maxBacklog, backlog);
                    samples.add(Long.toString(backlog));
                    System.out.printf("   %3d s: backlog %d readings, %.0f MiB%n", t, backlog, ProcessStats.rssMiB(process.pid(), false));
                }
                long last = taken(db);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
                while (missing(last) > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                long first = firstAfterSubscribe;
                System.out.printf(Locale.ROOT, "| %s | %d/s for %d s | %s | %d | %d of %d (%d..%d) | %d |%n", setting, rate, runSeconds,
                        String.join(", ", samples), maxBacklog, missing(last), last - first + 1, first, last, items);
            } finally {
                reader.disconnect();
                process.destroy();
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private volatile long items;

    /** An item's readings follow on from its seqnr (the first reading's), measurements only. */
    private synchronized void take(SensorDataFields fields) {
        if (fields.seqnr() <= 0) {
            return; // A status reading.
        }
        items++;
        if (subscribed && firstAfterSubscribe < 0) {
            firstAfterSubscribe = fields.seqnr();
        }
        received.set((int) fields.seqnr(), (int) fields.seqnr() + fields.readings().size());
        notifyAll();
    }

    private synchronized void awaitFirst() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (received.isEmpty() && System.nanoTime() < deadline) {
            wait(100);
        }
        if (received.isEmpty()) {
            throw new IllegalStateException("no reading arrived within 90 s; see the gateway's log");
        }
    }

    private synchronized long seen() {
        return received.length() - 1;
    }

    /** Readings from the first one after the subscription up to {@code last} the subscriber has not seen. */
    private synchronized long missing(long last) {
        long from = Math.max(1, firstAfterSubscribe);
        return (last - from + 1) - received.get((int) from, (int) last + 1).cardinality();
    }

    /** The newest measurement the gateway has committed (its sequence number). */
    private static long taken(Path db) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT coalesce(max(seq), 0) FROM reading WHERE thing = 'dev1'")) {
                return rs.next() ? rs.getLong(1) : 0;
            } catch (java.sql.SQLException busy) {
                if (attempt > 50) {
                    throw busy;
                }
                Thread.sleep(100);
            }
        }
    }

    private static LeafNode awaitNode(XMPPTCPConnection c, String node) throws Exception {
        PubSubManager pubsub = PubSubManager.getInstanceFor(c, JidCreate.bareFrom(ProsodyServer.PUBSUB_SERVICE));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            try {
                return pubsub.getLeafNode(node);
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("node " + node + " did not appear within 90 s: " + e, e);
                }
                Thread.sleep(200);
            }
        }
    }
}
