package org.xmppiot.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.gateway.config.StoreConfig;
import org.xmppiot.gateway.demo.ProsodyServer;
import org.xmppiot.gateway.store.ReadingStore;

/**
 * Replay after an outage: the store holds what 10 minutes at 100 readings/s left unsent (4 things, items
 * as full as {@code readings-per-item} allows, as a gateway forms them while its server is away); the gateway starts with the Debian
 * package's JVM options against a Prosody with SQL pub/sub storage (what a busy deployment runs), and
 * the time until the server has confirmed every item is measured from the store itself.
 */
final class ReplayBench {

    static final int THINGS = 4;
    static final Duration OUTAGE = Duration.ofMinutes(10);
    static final int RATE = 100;
    private final int readingsPerItem;

    record Result(long readings, int readingsPerItem, double seconds, double rssMiB) {

        double readingsPerSecond() {
            return readings / seconds;
        }

        String describe() {
            return String.format(Locale.ROOT, "%d readings (%d min at %d readings/s, %d things, %d readings per item) stored "
                    + "while the server was away, published and confirmed in %.1f s after the gateway connected: %.0f readings/s, "
                    + "against Prosody with SQL (SQLite) pub/sub storage, with the Debian package's JVM options; RSS at the end %.0f MiB.",
                    readings, OUTAGE.toMinutes(), RATE, THINGS, readingsPerItem, seconds, readingsPerSecond(), rssMiB);
        }
    }

    private final Path jar;
    private final List<String> jvmOptions;
    private final Path work;

    ReplayBench(Path jar, List<String> jvmOptions, Path work, int readingsPerItem) {
        this.readingsPerItem = readingsPerItem;
        this.jar = jar;
        this.jvmOptions = jvmOptions;
        this.work = work;
    }

    Result run() throws Exception {
        Files.createDirectories(work);
        Path db = work.resolve("replay.db");
        long readings = fill(db, readingsPerItem);
        ProsodyServer.Options options = ProsodyServer.Options.withPubSubAdmins("gateway@localhost")
                .withItemStorage(ProsodyServer.ItemStorage.SQLITE);
        try (ProsodyServer server = ProsodyServer.start(options)) {
            BenchXmpp xmpp = new BenchXmpp(server, work);
            StringBuilder things = new StringBuilder("things:\n");
            for (int i = 1; i <= THINGS; i++) {
                // Switched off: their nodes are made, no new readings join the replay.
                things.append("  - { id: dev").append(i).append(", driver: simulated, enabled: false, fields: [ { name: power } ] }\n");
            }
            Path file = work.resolve("replay.yaml");
            Files.writeString(file, "store:\n  path: " + db + "\n" + xmpp.xmppSection(BenchXmpp.GATEWAY)
                    + "    node-prefix: bench/replay/\n    max-items: 100\n    readings-per-item: " + readingsPerItem + "\n" + things,
                    StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", jar.toString(), "run", "-c", file.toString()));
            System.out.println("== replay: " + readings + " stored readings in items of " + readingsPerItem + ", SQL item storage");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("replay.log").toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                long first = 0;
                while (System.nanoTime() < deadline && process.isAlive()) {
                    long left = unsent(db);
                    if (left < 0) {
                        Thread.sleep(100);
                        continue;
                    }
                    if (first == 0 && left < readings) {
                        first = System.nanoTime(); // The first confirmations: connected and publishing.
                    }
                    if (left == 0) {
                        double seconds = (System.nanoTime() - first) / 1e9;
                        Result r = new Result(readings, readingsPerItem, seconds, ProcessStats.rssMiB(process.pid(), false));
                        System.out.printf("   replayed in %.1f s: %.0f readings/s%n", seconds, r.readingsPerSecond());
                        return r;
                    }
                    Thread.sleep(100);
                }
                System.out.println("   the replay did not finish; see " + work.resolve("replay.log"));
                return null;
            } finally {
                process.destroy();
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Fills the store as 10 minutes of readings of every thing, unsent, in full items; returns how many. */
    private static long fill(Path db, int readingsPerItem) throws Exception {
        Files.deleteIfExists(db);
        Instant start = Instant.now().minus(OUTAGE).truncatedTo(ChronoUnit.MILLIS);
        int perThing = (int) (OUTAGE.toSeconds() * RATE / THINGS);
        long written = 0;
        try (ReadingStore store = ReadingStore.open(new StoreConfig(db, StoreConfig.DEFAULT_MAX_BYTES, StoreConfig.DEFAULT_MAX_AGE,
                StoreConfig.DEFAULT_COMMIT_INTERVAL))) {
            List<Reading> batch = new ArrayList<>();
            for (int n = 0; n < perThing; n++) {
                for (int t = 1; t <= THINGS; t++) {
                    Instant at = start.plusMillis((long) n * THINGS * 1000 / RATE + t);
                    batch.add(new Reading("dev" + t, n + 1, at, List.of(Field.readout("power",
                            FieldValue.NumericValue.of(1000 + (n % 500), 1, "W")))));
                }
                if (batch.size() >= 4_000) {
                    store.append(batch, readingsPerItem, List.of("pubsub"));
                    written += batch.size();
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                store.append(batch, readingsPerItem, List.of("pubsub"));
                written += batch.size();
            }
        }
        return written;
    }

    /** Readings the gateway still has to get confirmed, read from its store by another process. */
    private static long unsent(Path db) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(sum(coalesce(readings, last_id - first_id + 1)), 0) FROM outbox")) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (Exception e) {
            return -1; // Busy for a moment: asked again.
        }
    }
}
