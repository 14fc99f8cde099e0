package org.xmppiot.gateway.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.testing.ProsodyExtension;
import org.xmppiot.gateway.testing.Subscriptions;
import org.xmppiot.gateway.testing.TcpRelay;
import org.xmppiot.gateway.watch.ReadingWatcher;

/**
 * A network that drops for 5 s (every connection cut, new ones refused) and comes back: the gateway resumes its
 * session with Prosody's mod_smacks (XEP-0198) instead of logging in afresh, sends nothing again that the server had
 * received, and a subscriber hears every reading.
 */
class StreamResumptionTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway").withAccount("reader");

    @TempDir
    Path dir;

    @Test
    void aFiveSecondCutIsBridgedByResumingTheSession() throws Exception {
        try (TcpRelay path = new TcpRelay(prosody.port())) {
            Path file = prosody.writeConfig(dir, "gateway", """
                        node-prefix: resume/
                      reconnect-max-delay: 2s
                    access:
                      readers: [ reader@localhost ]
                    things:
                      - id: meter
                        driver: simulated
                        interval: 100ms
                        fields: [ { name: power, unit: W, waveform: random-walk, decimals: 1 } ]
                    """);
            Files.writeString(file, Files.readString(file).replace("  port: " + prosody.port() + "\n", "  port: " + path.port() + "\n"));
            DriverRegistry drivers = DriverRegistry.fromClassPath();
            Set<Long> heard = ConcurrentHashMap.newKeySet();
            try (Gateway gateway = new Gateway(GatewayConfigLoader.load(file, drivers), drivers)) {
                gateway.start();
                assertThat(gateway.uplink().awaitReady(Await.GENEROUS)).as(gateway.uplink().lastFailure()).isNotNull();
                try (ReadingWatcher reader = ReadingWatcher.measurements(GatewayConfigLoader.loadXmpp(prosody.writeConfig(dir, "reader", "")),
                        r -> heard.add(r.sequence()))) {
                    reader.start(List.of("resume/meter"));
                    long first = Subscriptions.firstOfFive(heard);

                    path.down();
                    Await.until("the gateway to notice the cut", () -> !gateway.uplink().isReady());
                    TimeUnit.SECONDS.sleep(5); // The scenario: the network is away for five seconds.
                    path.up();

                    Await.until("the session resumed", () -> gateway.uplink().isReady() && gateway.uplink().resumptions() == 1);
                    assertThat(gateway.uplink().sessions()).as("no new session (the resumed one is the same)").isEqualTo(1);
                    Subscriptions.awaitEveryReadingSince(heard, first, gateway, "meter", "the resumption");
                    assertThat(gateway.publisher().retried()).as("items sent again").isZero();
                    assertThat(gateway.publisher().failed()).isZero();
                }
            }
        }
    }
}
