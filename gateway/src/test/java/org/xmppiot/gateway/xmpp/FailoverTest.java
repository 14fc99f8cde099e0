package org.xmppiot.gateway.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
 * Failover between the servers of one service ({@code xmpp.servers}), as between the nodes of a cluster: three entry
 * points (TCP relays) to one Prosody. The first is down at start, so the gateway takes the second; then the second
 * goes down and the gateway moves to the third. Retrying only the server it had, it would never come back. Every
 * reading taken meanwhile reaches a subscriber.
 */
class FailoverTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway").withAccount("reader");

    @TempDir
    Path dir;

    @Test
    void theGatewayMovesToTheNextServerAndLosesNothing() throws Exception {
        TcpRelay a = new TcpRelay(prosody.port());
        TcpRelay b = new TcpRelay(prosody.port());
        TcpRelay c = new TcpRelay(prosody.port());
        a.close(); // the first server is down when the gateway starts
        try {
            Path file = prosody.writeConfig(dir, "gateway", """
                        node-prefix: failover/
                    access:
                      readers: [ reader@localhost ]
                    things:
                      - id: meter
                        driver: simulated
                        interval: 50ms
                        fields: [ { name: power, unit: W, waveform: random-walk, decimals: 1 } ]
                    """);
            Files.writeString(file, Files.readString(file).replace("  server: 127.0.0.1\n  port: " + prosody.port() + "\n",
                    "  servers: [ 127.0.0.1:" + a.port() + ", 127.0.0.1:" + b.port() + ", 127.0.0.1:" + c.port() + " ]\n"));
            DriverRegistry drivers = DriverRegistry.fromClassPath();
            Set<Long> received = ConcurrentHashMap.newKeySet();
            try (Gateway gateway = new Gateway(GatewayConfigLoader.load(file, drivers), drivers)) {
                gateway.start();
                assertThat(gateway.uplink().awaitReady(Await.GENEROUS)).as(gateway.uplink().lastFailure()).isNotNull();
                assertThat(gateway.uplink().awaitReady(Await.GENEROUS).getPort()).as("the second server").isEqualTo(b.port());
                Await.until("readings published", () -> gateway.publisher().published() >= 20);
                try (ReadingWatcher subscriber = ReadingWatcher.measurements(GatewayConfigLoader.loadXmpp(prosody.writeConfig(dir, "reader", "")),
                        r -> received.add(r.sequence()))) {
                    subscriber.start(List.of("failover/meter"));
                    long first = Subscriptions.firstOfFive(received);

                    b.close(); // the server in use goes down
                    Await.until("a session through the third server", () -> ("127.0.0.1:" + c.port()).equals(gateway.uplink().connectedTo()));
                    assertThat(gateway.uplink().sessions()).isEqualTo(2);
                    Subscriptions.awaitEveryReadingSince(received, first, gateway, "meter", "the failover");
                }
            }
        } finally {
            b.close();
            c.close();
        }
    }
}
