package org.xmppiot.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.gateway.config.StoreConfig;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.fleet.StatusBeacon;
import org.xmppiot.gateway.testing.ProsodyExtension;

/**
 * A gateway whose store a power cut left damaged starts anyway, on real Prosody: the file is moved aside, a new store
 * starts, and the one sentence that says so is in the chat status, the page's JSON, /metrics and the fleet status,
 * while readings are stored and published as usual.
 */
class DamagedStoreAtStartTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway");

    @TempDir
    Path dir;

    @Test
    void aDamagedStoreIsMovedAsideSaidEverywhereAndPublishingGoesOn() throws Exception {
        Path config = prosody.writeConfig(dir, "gateway", """
                things:
                  - id: tank
                    driver: simulated
                    interval: 100ms
                    fields:
                      - { name: level, unit: cm, waveform: sine, min: 0, max: 200, period: 10s, decimals: 1 }
                http:
                  enabled: true
                  bind: 127.0.0.1
                  port: 0
                """);
        // The store's path is relative to where the gateway runs; the test writes garbage where it will look.
        Path store = GatewayConfigLoader.load(config, DriverRegistry.fromClassPath()).store().path().toAbsolutePath();
        Files.createDirectories(store.getParent());
        Files.writeString(store, "half a page of a database, then what the card held before ".repeat(300), StandardCharsets.UTF_8);

        try (Gateway gateway = new Gateway(GatewayConfigLoader.load(config, DriverRegistry.fromClassPath()), DriverRegistry.fromClassPath())) {
            gateway.start();
            assertThat(gateway.uplink().awaitReady(Await.GENEROUS)).as(gateway.uplink().lastFailure()).isNotNull();
            // Commits wait up to the confirmed commit interval while the server confirms every item.
            Await.until("readings stored and published", Await.GENEROUS.plus(StoreConfig.DEFAULT_CONFIRMED_COMMIT_INTERVAL),
                    () -> gateway.health().store().stored() > 5 && gateway.health().publishing().published() > 5);

            String sentence = gateway.health().store().damage();
            assertThat(sentence).startsWith("The store was damaged (").contains(store + ".damaged-").contains("a new one started");
            assertThat(gateway.status()).contains(sentence);
            assertThat(new StatusBeacon(gateway.things(), gateway::health, java.time.Duration.ofMinutes(5)).payload().toXML().toString())
                    .contains("store-damage=");
            int port = gateway.localViews().address().getPort();
            assertThat(get(port, "/metrics")).contains("xmppiot_store_damaged 1.0");
            assertThat(get(port, "/api/status")).contains("\"damage\":\"The store was damaged (");
        }
        try (var files = Files.list(store.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith(store.getFileName() + ".damaged-"));
        }
    }

    private static String get(int port, String path) throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        var response = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return response.body();
    }
}
