package org.xmppiot.gateway.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.cli.Main;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.demo.ProsodyServer;
import org.xmppiot.gateway.pubsub.NodeItems.SeenItem;
import org.xmppiot.gateway.testing.ProsodyExtension;
import org.xmppiot.gateway.testing.StoreFile;

/**
 * Readings are published as they arrive, not after their group commit: the commit interval spares the
 * SD card without delaying anyone. What reached the server before a kill -9 is on the node once and is
 * not published again under another id after the restart; a publisher that is behind sends bigger items,
 * so a busy thing with one commit per reading still keeps up.
 */
class PublishBeforeCommitTest {

    private static final DriverRegistry DRIVERS = DriverRegistry.fromClassPath();

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway").withAccount("reader")
            .withItemStorage(ProsodyServer.ItemStorage.SQLITE);

    @TempDir
    Path dir;

    private static String things(String prefix, String interval) {
        return """
                    node-prefix: %s
                    max-items: 1000
                access:
                  readers: [ reader@localhost ]
                things:
                  - id: meter
                    driver: simulated
                    interval: %s
                    fields:
                      - { name: power, unit: W, waveform: random-walk, min: 0, max: 3000, step: 25, decimals: 1 }
                """.formatted(prefix, interval);
    }

    private static String key(Reading r) {
        return r.timestamp() + "#" + r.fields();
    }

    @Test
    void readingsPublishedBeforeTheirCommitAndThenKilledAreOnTheNodeOnceAndNotSentAgain() throws Exception {
        Path file = prosody.writeConfig(dir, "gateway", things("early/", "50ms"));
        String text = Files.readString(file, StandardCharsets.UTF_8);
        // The longest commit interval: items reach the node long before their readings are committed.
        Files.writeString(file, text.replace("  path: gateway.db\n", "  path: gateway.db\n  commit-interval: 10s\n"), StandardCharsets.UTF_8);
        Path db = dir.resolve("gateway.db");
        Process child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "-c", file.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("killed-gateway.log").toFile()).start();
        try {
            Await.until("five items on the node", Duration.ofSeconds(60), () -> count("early/meter") >= 5);
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no last commit.
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        List<SeenItem> beforeKill = NodeItems.items(prosody, dir, "early/meter");
        long committed = StoreFile.rows(db);
        long onTheNode = beforeKill.stream().mapToLong(i -> i.payload().readings().size()).sum();
        assertThat(onTheNode).as("readings on the node before the kill, more than were ever committed").isGreaterThan(committed);

        // The same gateway and store again, committing as usual; then a clean stop.
        Files.writeString(file, text, StandardCharsets.UTF_8);
        try (Gateway gateway = new Gateway(GatewayConfigLoader.load(file, DRIVERS), DRIVERS)) {
            gateway.start();
            Await.until("readings of the second run published", () -> gateway.publisher().published() >= 10);
        }

        List<SeenItem> after = NodeItems.items(prosody, dir, "early/meter");
        List<String> keys = new ArrayList<>();
        after.forEach(i -> i.payload().readings().forEach(r -> keys.add(key(r))));
        Set<String> unique = new HashSet<>(keys);
        assertThat(keys).as("every reading once, under one item id").hasSameSizeAs(unique);
        for (SeenItem early : beforeKill) {
            assertThat(after).as("item %s published before the kill", early.id())
                    .anySatisfy(i -> assertThat(i.id()).isEqualTo(early.id()));
            early.payload().readings().forEach(r -> assertThat(unique).contains(key(r)));
        }
    }

    private long count(String node) {
        try {
            return NodeItems.items(prosody, dir, node).size();
        } catch (Exception e) {
            return 0; // The node is not there yet.
        }
    }

    @Test
    void oneCommitPerReadingAt500ReadingsPerSecondKeepsUp() throws Exception {
        Path file = prosody.writeConfig(dir, "gateway", things("busy/", "2ms").replace("max-items: 1000\n",
                "max-items: 1000\n    readings-per-item: 50\n"));
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Files.writeString(file, text.replace("  path: gateway.db\n", "  path: gateway.db\n  commit-interval: 0ms\n  confirmed-commit-interval: 0ms\n"), StandardCharsets.UTF_8);
        try (Gateway gateway = new Gateway(GatewayConfigLoader.load(file, DRIVERS), DRIVERS)) {
            gateway.start();
            assertThat(gateway.uplink().awaitReady(Await.GENEROUS)).isNotNull();
            Await.until("the first readings published", () -> gateway.publisher().published() >= 100);
            // 10,000 readings of load, paced by what was stored, not by the clock: what is stored but not yet
            // published must stay within what the window carries (64 items of 50) over the second half of them;
            // a publisher that falls behind for good fails this, whatever the machine.
            long bound = 64L * 50;
            List<long[]> lags = new ArrayList<>(); // stored, stored minus published
            Await.until("10,000 readings stored", Duration.ofSeconds(120), () -> {
                long stored = gateway.storeWriter().stored();
                lags.add(new long[] {stored, stored - gateway.publisher().published()});
                return stored >= 10_000;
            });
            assertThat(lags.stream().filter(l -> l[0] >= 5_000).map(l -> l[1]).toList())
                    .as("stored minus published over the second half").isNotEmpty().allMatch(lag -> lag <= bound);
        }
    }
}
