package org.xmppiot.gateway.things;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.GatewaySupervisor;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.iotdata.SensorDataRequest;
import org.xmppiot.gateway.testing.ChatClient;
import org.xmppiot.gateway.testing.ProsodyExtension;
import org.xmppiot.gateway.watch.ReadingWatcher;

/**
 * A changed access, observe or http section is taken by the running gateway without a new session: a reader added by
 * replace-config can read and subscribe at once, one taken off again cannot, and a SIGHUP reload that turns the page
 * on and changes observe keeps the same session too.
 */
class LiveSectionsTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway").withAccount("owner")
            .withAccount("newcomer");

    @TempDir
    Path dir;

    private static final String THINGS = """
            things:
              - id: shed
                driver: simulated
                interval: 200ms
                fields: [ { name: temperature, unit: C, waveform: random-walk, decimals: 1 } ]
            """;

    private static String access(String readers) {
        return """
                access:
                  owners: [ owner@localhost ]
                  readers: [ %s ]
                """.formatted(readers);
    }

    private static SensorDataRequest readShed(int seqnr) {
        return new SensorDataRequest(seqnr, List.of("shed"), List.of(), Set.of(), false, null, null, null);
    }

    @Test
    void aReaderAddedOrRemovedAndNewObserveAndHttpSectionsApplyWithoutANewSession() throws Exception {
        Path file = prosody.writeConfig(dir, "gateway", "    node-prefix: live/\n" + access("") + THINGS);
        try (GatewaySupervisor supervisor = new GatewaySupervisor(file, DriverRegistry.fromClassPath());
             ChatClient owner = new ChatClient(prosody, dir, "owner");
             ChatClient newcomer = new ChatClient(prosody, dir, "newcomer")) {
            supervisor.start();
            Gateway gateway = supervisor.current();
            XMPPTCPConnection session = gateway.uplink().awaitReady(Await.GENEROUS);
            assertThat(session).as(gateway.uplink().lastFailure()).isNotNull();
            assertThat(newcomer.tryReadOut(readShed(1))).as("a stranger's read-out").isNull();

            // replace-config naming only access: the newcomer becomes a reader.
            assertThat(supervisor.replace(access("newcomer@localhost"), "owner@localhost/test")).isNull();
            Await.until("the outcome by chat", () -> owner.lines().stream().anyMatch(l -> l.startsWith("The new configuration")));
            assertThat(owner.lines()).filteredOn(l -> l.startsWith("The new configuration")).singleElement().asString()
                    .startsWith("The new configuration is running (added none, changed none, removed none, 1 unchanged; applied live: access);"
                            + " the XMPP session stayed up.");
            assertThat(newcomer.readOut(readShed(2)).readings()).as("the new reader reads at once").isNotEmpty();
            Set<Long> heard = ConcurrentHashMap.newKeySet();
            try (ReadingWatcher watcher = ReadingWatcher.measurements(GatewayConfigLoader.loadXmpp(prosody.writeConfig(dir, "newcomer", "")),
                    r -> heard.add(r.sequence()))) {
                watcher.start(List.of("live/shed"));
                Await.until("the new reader to hear the node", () -> heard.size() >= 3);
            }

            // SIGHUP with the newcomer taken off again, the page turned on and another QoS level for observers.
            prosody.writeConfig(dir, "gateway", "    node-prefix: live/\n" + access("") + THINGS
                    + "observe:\n  qos: acknowledged\nhttp:\n  enabled: true\n  port: 0\n");
            supervisor.reload();
            assertThat(gateway.config().http().enabled()).isTrue();
            Await.until("the newcomer refused again", () -> newcomer.tryReadOut(readShed(3)) == null);
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + gateway.localViews().address().getPort() + "/api/status"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);

            assertThat(supervisor.current()).as("the gateway was not restarted").isSameAs(gateway);
            assertThat(gateway.uplink().awaitReady(Duration.ZERO)).as("the same XMPP session").isSameAs(session);
            assertThat(gateway.uplink().sessions()).isEqualTo(1);
            assertThat(gateway.config().observe().qos()).isEqualTo("acknowledged");
        }
    }
}
