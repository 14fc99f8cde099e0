package org.xmppiot.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.cli.Main;
import org.xmppiot.gateway.config.StoreConfig;
import org.xmppiot.gateway.testing.StoreFile;

/**
 * The durability window the README promises with the default commit interval: after a kill -9, the store
 * holds every reading taken more than one commit interval before the kill (plus the time a commit takes),
 * with nothing missing in between and a file that passes SQLite's full check.
 */
class DurabilityWindowTest {

    /** A commit of a few rows takes well under this, on any machine that runs the gateway. */
    private static final Duration COMMIT_TIME = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    @Test
    void afterAKillEveryReadingOlderThanTheCommitIntervalIsKept() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // No server: every reading stays in the store.
        }
        Files.writeString(dir.resolve("pw"), "not used\n", StandardCharsets.UTF_8);
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, """
                store:
                  path: gateway.db
                xmpp:
                  jid: gateway@localhost
                  password-file: pw
                  server: 127.0.0.1
                  port: %d
                  tls: disabled
                things:
                  - id: meter
                    driver: simulated
                    interval: 50ms
                    fields: [ { name: power, unit: W, waveform: random-walk, decimals: 1 } ]
                """.formatted(closedPort), StandardCharsets.UTF_8);
        Path db = dir.resolve("gateway.db");
        Process child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "-c", file.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("gateway.log").toFile()).start();
        Instant killedAt;
        try {
            Await.until("a first commit", Duration.ofSeconds(60), () -> StoreFile.rows(db) > 0);
            // The plug is pulled at a moment the commits do not know: 3.65 commit intervals on. A store that kept
            // readings longer than the interval before committing them would hold nothing of the last 5 s.
            Thread.sleep(StoreConfig.DEFAULT_COMMIT_INTERVAL.multipliedBy(365).dividedBy(100).toMillis());
        } finally {
            killedAt = Instant.now();
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no last commit.
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
            List<Long> sequences = new ArrayList<>();
            long newestNanos;
            try (ResultSet rs = s.executeQuery("SELECT seq FROM reading WHERE thing = 'meter' AND seq > 0 ORDER BY id")) {
                while (rs.next()) {
                    sequences.add(rs.getLong(1));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT max(taken_at_ns) FROM reading WHERE thing = 'meter'")) {
                rs.next();
                newestNanos = rs.getLong(1);
            }
            // Nothing older is missing: the driver's sequence runs from 1 without a gap.
            for (int i = 0; i < sequences.size(); i++) {
                assertThat(sequences.get(i)).as("reading %d", i + 1).isEqualTo(i + 1L);
            }
            // And what was lost is at most the last commit interval's worth (and the commit that was under way).
            Instant newest = Instant.ofEpochSecond(0, newestNanos);
            Instant promised = killedAt.minus(StoreConfig.DEFAULT_COMMIT_INTERVAL).minus(COMMIT_TIME);
            assertThat(newest).as("newest reading kept, killed at %s", killedAt).isAfterOrEqualTo(promised);
        }
    }
}
