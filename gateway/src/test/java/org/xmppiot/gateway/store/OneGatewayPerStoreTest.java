package org.xmppiot.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.gateway.config.StoreConfig;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.cli.Main;
import org.xmppiot.gateway.testing.ProsodyExtension;

/**
 * The service and a manual {@code run} on one configuration (an easy mistake on a Pi): the second is refused at once
 * with a sentence that names the first, before it touches the store or logs in, and the first loses nothing.
 */
class OneGatewayPerStoreTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway");

    @TempDir
    Path dir;

    @Test
    void aSecondRunOnOneStoreIsRefusedWithTheFirstsPidAndTheFirstLosesNothing() throws Exception {
        Gateway first = prosody.startGateway(dir, """
                things:
                  - { id: t, driver: simulated, interval: 50ms, fields: [ { name: v } ] }
                """);
        Path config = dir.resolve("gateway.yaml");
        Path db = dir.resolve("gateway.db").toAbsolutePath();
        long published = first.publisher().published();
        Await.until("the first gateway publishing", () -> first.publisher().published() > published + 10);

        Process second = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "-c", config.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("second.log").toFile()).start();
        try {
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("the second run ends by itself").isTrue();
        } finally {
            second.destroyForcibly();
        }
        String said = Files.readString(dir.resolve("second.log"), StandardCharsets.UTF_8);
        assertThat(second.exitValue()).as(said).isEqualTo(1);
        assertThat(said).contains("another gateway (PID " + ProcessHandle.current().pid() + ") is using " + db
                + "; stop it first (systemctl stop xmpp-iot-gateway)");
        assertThat(said).as("refused before logging in").doesNotContain("xmpp connected");

        // In one process too: a second store on the file is refused, the first goes on.
        StoreException refused = assertThrows(StoreException.class, () -> ReadingStore.open(first.config().store()));
        assertThat(refused.getMessage()).contains("is using " + db);

        long before = first.storeWriter().stored();
        // Its commits wait up to the confirmed commit interval while the server confirms every item.
        Await.until("the first gateway storing and publishing on", Await.GENEROUS.plus(StoreConfig.DEFAULT_CONFIRMED_COMMIT_INTERVAL),
                () -> first.storeWriter().stored() > before + 10
                && first.publisher().published() >= before + 10);
        assertThat(first.storeWriter().lost()).isZero();
        assertThat(first.publisher().failed()).isZero();
    }
}
