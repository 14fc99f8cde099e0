package org.xmppiot.gateway.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.gateway.config.GatewayConfig;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.cli.Main;
import org.xmppiot.gateway.demo.ProsodyServer;
import org.xmppiot.gateway.iotdata.SensorDataFields;
import org.xmppiot.gateway.store.ReadingStore;
import org.xmppiot.gateway.store.StoredItem;
import org.xmppiot.gateway.pubsub.NodeItems.SeenItem;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.testing.ProsodyExtension;
import org.xmppiot.gateway.testing.StoreFile;

/**
 * Nothing the gateway took is lost or doubled on the way to a subscriber: not when the server
 * restarts again and again under load, not when the gateway itself is killed while it buffers.
 * Real Prosody (persistent item storage in SQLite, which stays fast with thousands of items per node),
 * real SQLite files for the gateway's store.
 */
class StoreAndForwardTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway").withAccount("reader")
            .withItemStorage(ProsodyServer.ItemStorage.SQLITE);

    private static final DriverRegistry DRIVERS = DriverRegistry.fromClassPath();

    @TempDir
    Path dir;

    @Test
    void tenServerRestartsAt1000ReadingsPerSecondLoseAndDoubleNothing() throws Exception {
        Path file = prosody.writeConfig(dir, "gateway", """
                    node-prefix: restarts/
                    max-items: 1000
                    readings-per-item: 50
                access:
                  readers: [ reader@localhost ]
                things:
                  - id: line-a
                    driver: simulated
                    interval: 2ms
                    fields:
                      - { name: current, unit: A, waveform: random-walk, min: 0, max: 16, step: 0.5, decimals: 2 }
                  - id: line-b
                    driver: simulated
                    interval: 2ms
                    fields:
                      - { name: voltage, unit: V, waveform: sine, min: 220, max: 240, period: 1s, decimals: 1 }
                      - { name: breaker, type: boolean, waveform: square, period: 500ms }
                """);
        GatewayConfig config = GatewayConfigLoader.load(file, DRIVERS);
        List<Reading> taken = new CopyOnWriteArrayList<>();
        Gateway gateway = new Gateway(config, DRIVERS);
        try {
            gateway.bus().subscribe("test-recorder", 1_000_000, taken::add);
            gateway.start();
            assertThat(gateway.uplink().awaitReady(Await.GENEROUS)).as(gateway.uplink().lastFailure()).isNotNull();
            for (int restart = 1; restart <= 10; restart++) {
                long sessions = restart;
                Await.until("session " + sessions + " (a reconnect after each restart)", () -> gateway.uplink().sessions() >= sessions);
                long before = gateway.publisher().published();
                Await.until("publishing before restart " + restart, () -> gateway.uplink().isReady() && gateway.publisher().published() >= before + 500);
                prosody.server().restart();
            }
            Await.until("the session after the last restart", () -> gateway.uplink().sessions() >= 11);
            long before = gateway.publisher().published();
            Await.until("publishing after the last restart", () -> gateway.uplink().isReady() && gateway.publisher().published() >= before + 500);
            // No more readings; everything taken must then reach the node, however long catching up takes on this
            // machine (closing gives the outbox only 10 s, and what is left waits in the store for the next start).
            gateway.things().remove("line-a");
            gateway.things().remove("line-b");
            Await.until("every reading taken stored and published", Duration.ofMinutes(5),
                    () -> gateway.storeWriter().stored() >= taken.size() && gateway.publisher().published() >= taken.size());
        } finally {
            gateway.close();
        }
        assertThat(gateway.publisher().failed()).isZero();
        assertThat(gateway.storeWriter().lost()).isZero();
        assertThat(gateway.storeWriter().stored()).isEqualTo(taken.size());
        // The restarts kept the gateway offline long enough for some items to be sent late.
        assertThat(gateway.publisher().delayed()).isPositive();

        for (String thing : List.of("line-a", "line-b")) {
            List<SeenItem> items = items("restarts/" + thing);
            List<Reading> seen = new ArrayList<>();
            items.forEach(i -> seen.addAll(i.payload().readings()));
            List<Reading> sent = taken.stream().filter(r -> r.thingId().equals(thing)).toList();
            assertThat(sent).hasSizeGreaterThan(5_000);
            // Every reading once, in the order taken (the item's seqnr is the first reading's; compare the rest).
            assertSameReadingsInOrder(thing, withoutSequence(seen), withoutSequence(sent));
            assertThat(items).allSatisfy(StoreAndForwardTest::stampIsTheFirstReadingsTime);
            assertThat(items).anyMatch(i -> i.payload().delayedSince() != null);
        }
    }

    @Test
    void readingsStoredBeforeAKillMinus9ArePublishedAfterTheRestart() throws Exception {
        Path online = prosody.writeConfig(dir, "gateway", """
                    node-prefix: killed/
                    max-items: 1000
                    readings-per-item: 20
                access:
                  readers: [ reader@localhost ]
                things:
                  - id: pump
                    driver: simulated
                    interval: 1s
                    fields:
                      - { name: pressure, unit: bar, waveform: random-walk, min: 1, max: 6, step: 0.05, decimals: 3 }
                      - { name: running, type: boolean, waveform: square, period: 2s }
                """);
        // The same gateway and store, but its server is not there: everything it reads is buffered.
        String text = Files.readString(online, StandardCharsets.UTF_8);
        Path offline = dir.resolve("offline.yaml");
        Files.writeString(offline, text.replace("port: " + prosody.port(), "port: " + closedPort())
                .replace("interval: 1s", "interval: 5ms")
                .replace("  path: gateway.db\n", "  path: gateway.db\n  commit-interval: 0ms\n"), StandardCharsets.UTF_8);

        Path db = dir.resolve("gateway.db");
        Process child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "-c", offline.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("killed-gateway.log").toFile()).start();
        long committedBeforeKill;
        try {
            Await.until("the buffering gateway to store readings", () -> StoreFile.rows(db) >= 400);
            committedBeforeKill = StoreFile.rows(db); // Seen by another process: committed.
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no last commit.
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }

        // The file opens cleanly and passes SQLite's full check, straight after the kill.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("ok");
        }
        List<Reading> acknowledged = new ArrayList<>();
        GatewayConfig config = GatewayConfigLoader.load(online, DRIVERS);
        try (ReadingStore store = ReadingStore.open(config.store())) {
            for (StoredItem item : store.pending(PubSubPublisher.DESTINATION, 0, 1_000_000)) {
                acknowledged.addAll(item.readings());
            }
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo((int) committedBeforeKill);

        Instant restartedAt = Instant.now();
        try (Gateway gateway = new Gateway(config, DRIVERS)) {
            gateway.start();
            Await.until("the stored readings to be published", Duration.ofSeconds(60),
                    () -> gateway.publisher().published() >= acknowledged.size());
        }

        List<SeenItem> items = items("killed/pump");
        Map<String, Integer> seen = new HashMap<>();
        Map<String, Reading> byKey = new HashMap<>();
        for (SeenItem item : items) {
            for (Reading r : item.payload().readings()) {
                seen.merge(key(r), 1, Integer::sum);
                byKey.put(key(r), r);
            }
        }
        // Two readings may share a millisecond and a value, so each is expected as often as it was taken.
        Map<String, Integer> taken = new HashMap<>();
        acknowledged.forEach(r -> taken.merge(key(r), 1, Integer::sum));
        for (Reading r : acknowledged) {
            assertThat(seen.get(key(r))).as("reading %d taken at %s", r.sequence(), r.timestamp())
                    .isEqualTo(taken.get(key(r)));
            assertThat(byKey.get(key(r)).fields()).isEqualTo(r.fields());
        }
        assertThat(items).allSatisfy(StoreAndForwardTest::stampIsTheFirstReadingsTime);
        // Whatever was taken well before the restart went out late, and says when it was taken.
        assertThat(items).filteredOn(i -> i.payload().readings().get(0).timestamp()
                        .isBefore(restartedAt.minus(PubSubPublisher.LATE_AFTER)))
                .isNotEmpty()
                .allMatch(i -> i.payload().delayedSince() != null);
    }

    /** Fails with a short account (how many missing, doubled, where order breaks) instead of two long lists. */
    private static void assertSameReadingsInOrder(String thing, List<Reading> seen, List<Reading> sent) {
        if (seen.equals(sent)) {
            return;
        }
        Map<Reading, Integer> counts = new HashMap<>();
        seen.forEach(r -> counts.merge(r, 1, Integer::sum));
        long missing = sent.stream().filter(r -> !counts.containsKey(r)).count();
        long doubled = counts.values().stream().filter(n -> n > 1).count();
        int firstDifference = 0;
        while (firstDifference < Math.min(seen.size(), sent.size()) && seen.get(firstDifference).equals(sent.get(firstDifference))) {
            firstDifference++;
        }
        throw new AssertionError(thing + ": sent " + sent.size() + " readings, subscriber sees " + seen.size() + "; missing "
                + missing + ", seen more than once " + doubled + "; first difference at index " + firstDifference
                + (firstDifference < Math.min(seen.size(), sent.size())
                   ? ": sent " + sent.get(firstDifference) + ", seen " + seen.get(firstDifference) : ""));
    }

    private static void stampIsTheFirstReadingsTime(SeenItem item) {
        Instant stamp = item.payload().delayedSince();
        if (stamp != null) {
            assertThat(stamp).isEqualTo(item.payload().readings().get(0).timestamp());
        }
    }

    private static String key(Reading r) {
        return r.timestamp() + "#" + r.fields();
    }

    /** Readings with the per-item seqnr set aside: what a subscriber can compare. */
    private static List<Reading> withoutSequence(List<Reading> readings) {
        return readings.stream().map(r -> new Reading(r.thingId(), 0, r.timestamp(), r.fields())).toList();
    }

    private List<SeenItem> items(String node) throws Exception {
        return NodeItems.items(prosody, dir, node);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
