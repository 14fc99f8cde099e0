package org.xmppiot.gateway.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
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
import org.xmppiot.gateway.cli.Main;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.iotdata.SensorDataFields;
import org.xmppiot.gateway.iotdata.SensorDataRequest;
import org.xmppiot.gateway.testing.ChatClient;
import org.xmppiot.gateway.testing.ProsodyExtension;
import org.xmppiot.gateway.testing.Subscriptions;
import org.xmppiot.gateway.watch.ReadingWatcher;

/**
 * A stock Prosody lets only its pub/sub component's admins create nodes, and the gateway's account is not one. The
 * gateway still comes online and answers read-outs and chat at once, publishes to its own PEP nodes instead (where a
 * reader receives every reading), says so in its status, and doctor names the cause and the fix. When the PEP service
 * refuses too, publishing waits and nothing read is lost.
 */
class NoNodeRightsTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension().withAccount("gateway").withAccount("owner").withAccount("reader");

    @TempDir
    Path dir;

    private static final String THINGS = """
            access:
              owners: [ owner@localhost ]
              readers: [ reader@localhost ]
            things:
              - { id: t, driver: simulated, interval: 100ms, fields: [ { name: v } ] }
            """;

    /** A reader of the gateway's PEP nodes: its configuration names the gateway's account as the pub/sub service. */
    private ReadingWatcher pepReader(Set<Long> heard) throws Exception {
        Path reader = prosody.writeConfig(dir, "reader", "");
        Files.writeString(reader, Files.readString(reader).replace("service: pubsub.localhost", "service: gateway@localhost"));
        return ReadingWatcher.measurements(GatewayConfigLoader.loadXmpp(reader), r -> heard.add(r.sequence()));
    }

    private void everyReadingReachesAPepReader(Gateway gateway) throws Exception {
        Set<Long> heard = ConcurrentHashMap.newKeySet();
        try (ReadingWatcher reader = pepReader(heard)) {
            reader.start(List.of("gateway/t"));
            Subscriptions.awaitEveryReadingSince(heard, Subscriptions.firstOfFive(heard), gateway, "t", "it was heard");
        }
        assertThat(gateway.publisher().failed()).isZero();
    }

    /** A connected gateway on the stock server; each test closes its own, as two on one account would throw each other off. */
    private Gateway start(String pubsubService, String rest) throws Exception {
        DriverRegistry drivers = DriverRegistry.fromClassPath();
        Path file = prosody.writeConfig(dir, "gateway", rest);
        Files.writeString(file, Files.readString(file).replace("service: pubsub.localhost", "service: " + pubsubService));
        Gateway gateway = new Gateway(GatewayConfigLoader.load(file, drivers), drivers);
        gateway.start();
        assertThat(gateway.uplink().awaitReady(Await.GENEROUS)).as(gateway.uplink().lastFailure()).isNotNull();
        return gateway;
    }

    @Test
    void aGatewayThatMayNotCreateNodesIsReachableAndPublishesToItsOwnPepNodes() throws Exception {
        try (Gateway gateway = start("pubsub.localhost", THINGS)) {
            reachableAndOnPep(gateway);
        }
    }

    private void reachableAndOnPep(Gateway gateway) throws Exception {
        try (ChatClient reader = new ChatClient(prosody, dir, "reader"); ChatClient owner = new ChatClient(prosody, dir, "owner")) {
            SensorDataFields read = reader.readOut(new SensorDataRequest(1, List.of("t"), List.of(), Set.of(), false, null, null, null));
            assertThat(read.readings()).isNotEmpty().allSatisfy(r -> assertThat(r.field("v")).isNotNull());
            assertThat(owner.say("status")).startsWith("Connected as gateway@localhost/gateway.")
                    .contains("Publishing to the PEP nodes of gateway@localhost instead: Cannot set up pub/sub node 'gateway/t' on "
                            + "pubsub.localhost: the server answered forbidden");
        }
        everyReadingReachesAPepReader(gateway);
        assertThat(gateway.uplink().sessions()).as("the session stayed up").isEqualTo(1);

        StringWriter out = new StringWriter();
        int exit = Main.run(new String[] {"doctor", "-c", dir.resolve("gateway.yaml").toString()}, new PrintWriter(out, true),
                new PrintWriter(out, true));
        assertThat(out.toString().lines()).as(out.toString())
                .anyMatch(l -> l.startsWith("WARN  pubsub   pubsub.localhost does not let gateway@localhost create nodes (forbidden): "
                        + "the gateway publishes to its own PEP nodes instead"))
                .anyMatch(l -> l.contains("fix: to publish on pubsub.localhost, list gateway@localhost in the admins of its Component "
                        + "\"pubsub.localhost\" block"));
        assertThat(exit).as(out.toString()).isZero();
    }

    @Test
    void pepChosenInTheConfigurationIsUsedFromTheStart() throws Exception {
        try (Gateway gateway = start("pep", THINGS)) {
            everyReadingReachesAPepReader(gateway);
            assertThat(gateway.status()).doesNotContain("Publishing waits").doesNotContain("instead");
        }
    }

    @Test
    void whenThePepServiceRefusesTooPublishingWaitsAndNothingReadIsLost() throws Exception {
        // Prosody's PEP takes the access models presence, whitelist and open only.
        try (Gateway gateway = start("pubsub.localhost", "    access-model: authorize\n" + THINGS + "http: { enabled: true, port: 0 }\n")) {
            publishingWaits(gateway);
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + gateway.localViews().address().getPort();
            String status = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/status")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(status).contains("\"publishingWaits\":\"Cannot set up pub/sub node 'gateway/t' on pubsub.localhost");
            String metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("xmppiot_publishing_blocked 1.0");
            String page = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(page).contains("<dt>Publishing waits</dt>");
        }
    }

    private void publishingWaits(Gateway gateway) throws Exception {
        try (ChatClient owner = new ChatClient(prosody, dir, "owner")) {
            assertThat(owner.say("status")).startsWith("Connected as gateway@localhost/gateway.")
                    .contains("Publishing waits: Cannot set up pub/sub node 'gateway/t' on pubsub.localhost: the server answered forbidden");
        }
        long stored = gateway.storeWriter().stored();
        Await.until("readings kept while publishing waits", () -> gateway.storeWriter().stored() > stored + 10 && gateway.health().store().unsent() > 10);
        assertThat(gateway.publisher().failed()).isZero();
        assertThat(gateway.uplink().sessions()).isEqualTo(1);
    }
}
