package org.xmppiot.gateway.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.xmppiot.gateway.testing.EjabberdAccounts;
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
        return EjabberdAccounts.write(cluster, dir, user, servers, "pubsub.localhost", rest);
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
                    long first = Subscriptions.firstOfFive(received);

                    cluster.stopNode(0);
                    Await.until("the gateway on node B", () -> b.equals(gateway.uplink().connectedTo()));
                    Subscriptions.awaitEveryReadingSince(received, first, gateway, "meter", "the failover");
                }
            }
        }
    }
}
