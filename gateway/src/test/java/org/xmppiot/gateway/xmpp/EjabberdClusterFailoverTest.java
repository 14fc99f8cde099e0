package org.xmppiot.gateway.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.testing.Subscriptions;
import org.xmppiot.simulators.xmpp.EjabberdCluster;
import org.xmppiot.gateway.watch.ReadingWatcher;

/**
 * Failover on a real two-node ejabberd cluster (Debian's ejabberd): the gateway on node A, a reader on node B; node A
 * is stopped mid-run, the gateway goes on through node B, and every reading taken reaches the reader. Items that were
 * in flight when node A went down are sent again under their ids: on the node they replace themselves, and a reader
 * may be notified of one twice (a reader that keeps items by id, as pub/sub means, sees each reading once).
 */
class EjabberdClusterFailoverTest {

    @TempDir
    Path dir;

    private Path account(EjabberdCluster cluster, String user, String servers, String rest) throws Exception {
        cluster.register(user, user + "-password");
        Files.writeString(dir.resolve(user + ".password"), user + "-password");
        Path file = dir.resolve(user + ".yaml");
        Files.writeString(file, """
                store:
                  path: %1$s.db
                xmpp:
                  jid: %1$s@localhost
                  password-file: %1$s.password
                  servers: [ %2$s ]
                  tls: disabled
                  connect-timeout: 5s
                  pubsub:
                    service: pubsub.localhost
                %3$s""".formatted(user, servers, rest));
        return file;
    }

    @Test
    void theGatewayMovesToTheOtherNodeAndTheReaderGetsEveryReading() throws Exception {
        try (EjabberdCluster cluster = EjabberdCluster.start(dir)) {
            String a = "127.0.0.1:" + cluster.port(0);
            String b = "127.0.0.1:" + cluster.port(1);
            Path gatewayFile = account(cluster, "site", a + ", " + b, """
                    access:
                      readers: [ reader@localhost ]
                    things:
                      - id: meter
                        driver: simulated
                        interval: 50ms
                        fields: [ { name: power, unit: W, waveform: random-walk, decimals: 1 } ]
                    """);
            Path readerFile = account(cluster, "reader", b, "");
            DriverRegistry drivers = DriverRegistry.fromClassPath();
            Set<Long> received = ConcurrentHashMap.newKeySet();
            try (Gateway gateway = new Gateway(GatewayConfigLoader.load(gatewayFile, drivers), drivers)) {
                gateway.start();
                assertThat(gateway.uplink().awaitReady(Await.GENEROUS).getPort()).as("on node A").isEqualTo(cluster.port(0));
                Await.until("readings published", () -> gateway.publisher().published() >= 20);
                try (ReadingWatcher reader = ReadingWatcher.measurements(GatewayConfigLoader.loadXmpp(readerFile),
                        r -> received.add(r.sequence()))) {
                    reader.start(List.of("site/meter"));
                    Await.until("the reader on node B hears the meter", () -> received.size() >= 5);
                    long first = received.stream().mapToLong(Long::longValue).min().orElseThrow();

                    cluster.stopNode(0);
                    Await.until("the gateway on node B", () -> b.equals(gateway.uplink().connectedTo()));
                    long last = gateway.bus().latest().latest("meter").sequence() + 20;
                    Await.until("every reading from the first heard to 20 after the failover",
                            () -> Subscriptions.heardAll(received, first, last));
                }
            }
        }
    }
}
