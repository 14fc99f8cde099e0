package org.xmppiot.gateway.pubsub;

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
import org.xmppiot.gateway.watch.ReadingWatcher;
import org.xmppiot.simulators.xmpp.EjabberdCluster;

/**
 * On ejabberd (Debian's): with its default rules every account may create nodes on the pub/sub service, the gateway
 * publishes there, and a reader receives every reading. Where the rule for creating nodes denies everyone, ejabberd
 * applies it to PEP nodes too: the gateway comes online all the same, answers, says why publishing waits and keeps
 * every reading.
 */
class EjabberdNodeRightsTest {

    @TempDir
    Path dir;

    private Path account(EjabberdCluster server, String user, String service, String rest) throws Exception {
        return EjabberdAccounts.write(server, dir, user, "127.0.0.1:" + server.port(0), service, rest);
    }

    /** The gateway on the account site@localhost, connected; a reader@localhost may read its meter. */
    private Gateway connectedGateway(EjabberdCluster server) throws Exception {
        Path file = account(server, "site", "pubsub.localhost", """
                access:
                  readers: [ reader@localhost ]
                things:
                  - { id: meter, driver: simulated, interval: 100ms, fields: [ { name: power, unit: W } ] }
                """);
        DriverRegistry drivers = DriverRegistry.fromClassPath();
        Gateway gateway = new Gateway(GatewayConfigLoader.load(file, drivers), drivers);
        gateway.start();
        assertThat(gateway.uplink().awaitReady(Await.GENEROUS)).as(gateway.uplink().lastFailure()).isNotNull();
        return gateway;
    }

    private void everyReadingReachesAReader(boolean usersCreateNodes, String readFrom, String statusSays) throws Exception {
        try (EjabberdCluster server = EjabberdCluster.start(dir, 1, usersCreateNodes); Gateway gateway = connectedGateway(server)) {
            Path readerFile = account(server, "reader", readFrom, "");
            Set<Long> heard = ConcurrentHashMap.newKeySet();
            assertThat(gateway.status()).contains(statusSays).doesNotContain("Publishing waits");
            try (ReadingWatcher reader = ReadingWatcher.measurements(GatewayConfigLoader.loadXmpp(readerFile), r -> heard.add(r.sequence()))) {
                reader.start(List.of("site/meter"));
                Subscriptions.awaitEveryReadingSince(heard, Subscriptions.firstOfFive(heard), gateway, "meter", "it was heard");
            }
            assertThat(gateway.publisher().failed()).isZero();
            assertThat(gateway.uplink().sessions()).isEqualTo(1);
        }
    }

    @Test
    void withEjabberdsDefaultsTheGatewayPublishesOnThePubSubService() throws Exception {
        everyReadingReachesAReader(true, "pubsub.localhost", "Connected as site@localhost/gateway.");
    }

    @Test
    void whereNoAccountMayCreateNodesTheGatewayIsReachableAndKeepsItsReadings() throws Exception {
        try (EjabberdCluster server = EjabberdCluster.start(dir, 1, false); Gateway gateway = connectedGateway(server)) {
            assertThat(gateway.status()).contains("Publishing waits: Cannot set up pub/sub node 'site/meter' on pubsub.localhost: "
                    + "the server answered forbidden");
            long stored = gateway.storeWriter().stored();
            Await.until("readings kept while publishing waits", () -> gateway.storeWriter().stored() > stored + 10 && gateway.health().store().unsent() > 10);
            assertThat(gateway.publisher().failed()).isZero();
            assertThat(gateway.uplink().sessions()).isEqualTo(1);
        }
    }
}
