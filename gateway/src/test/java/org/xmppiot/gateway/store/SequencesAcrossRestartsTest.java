package org.xmppiot.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.config.GatewayConfig;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.testing.ProsodyExtension;

/**
 * A thing's sequence numbers go on across restarts and are never used twice, though its driver counts from 1 at every
 * start: after a clean stop from the last one stored; after a stop that was not (its PID left in the store's lock file,
 * as a power cut or kill -9 leaves it) from beyond what may have been published and not committed.
 */
class SequencesAcrossRestartsTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway");

    @TempDir
    Path dir;

    private GatewayConfig config() throws Exception {
        return GatewayConfigLoader.load(prosody.writeConfig(dir, "gateway", """
                things:
                  - id: tank
                    driver: simulated
                    interval: 20ms
                    fields:
                      - { name: level, unit: cm, waveform: sine, min: 0, max: 200, period: 10s, decimals: 1 }
                """), DriverRegistry.fromClassPath());
    }

    /**
     * Runs a gateway until the store took {@code count} more readings, stops it cleanly (which commits what waits), and
     * returns the tank's stored numbers.
     */
    private List<Long> runFor(int count) throws Exception {
        try (Gateway gateway = new Gateway(config(), DriverRegistry.fromClassPath())) {
            gateway.start();
            Await.until(count + " readings taken", Await.GENEROUS, () -> gateway.storeWriter().taken() >= count);
        }
        GatewayConfig c = config();
        try (ReadingStore store = ReadingStore.open(c.store())) {
            return store.history("tank", Instant.EPOCH, Instant.now().plusSeconds(60), 1_000_000).stream()
                    .map(Reading::sequence).filter(s -> s > 0).toList();
        }
    }

    @Test
    void numbersGoOnAfterACleanStopAndLeapPastTheUncommittedAfterAnUncleanOne() throws Exception {
        List<Long> first = runFor(20);
        long lastOfFirst = first.get(first.size() - 1);
        assertThat(first.get(0)).isEqualTo(1);

        List<Long> second = runFor(20);
        assertThat(second).as("no number twice").doesNotHaveDuplicates();
        assertThat(second.get(first.size())).as("the first of the second run").isEqualTo(lastOfFirst + 1);
        long lastOfSecond = second.get(second.size() - 1);

        // What a power cut leaves: the lock file still names the gateway that held the store.
        Path lock = config().store().path().resolveSibling("gateway.db.lock");
        assertThat(Files.readString(lock)).as("a clean stop empties the lock file").isEmpty();
        Files.writeString(lock, "4242\n", StandardCharsets.US_ASCII);
        List<Long> third = runFor(20);
        assertThat(third).doesNotHaveDuplicates();
        assertThat(third.get(second.size())).isEqualTo(lastOfSecond + 20_000 + 1);
    }
}
