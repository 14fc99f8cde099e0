package org.xmppiot.gateway.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.testing.FederatedServers;
import org.xmppiot.gateway.testing.FederatedServers.Host;
import org.xmppiot.gateway.testing.Namespace;

/**
 * A thing shared with people on another server, end to end: two real Prosody servers (home.test, the gateway's, and
 * away.test) federated over s2s with TLS checked both ways, inside a network namespace this test creates; the gateway
 * runs there as the service does ({@code run}); the owner and the strangers are slixmpp clients
 * ({@code sharing_across_servers.py}): request, allow and revoke by chat (the remote reader subscribes over s2s, reads
 * by XEP-0323, and is cut off), request by ad-hoc command and deny, and a flood of requests from one domain.
 */
class SharingAcrossServersTest {

    private static final Host HOME = new Host("home.test", "10.78.0.1");
    private static final Host AWAY = new Host("away.test", "10.78.0.2");
    private static final int SPAMMERS = 5;

    @TempDir
    Path dir;

    @Test
    void aStrangerOnAnotherServerAsksTheOwnerAllowsByChatAndARevokeCutsThemOff() throws Exception {
        try (Namespace ns = Namespace.create("xmppiot-share-", HOME.address(), AWAY.address());
             FederatedServers servers = FederatedServers.start(ns, HOME, AWAY)) {
            servers.register("gateway", HOME.domain(), "pw-gateway");
            servers.register("alice", HOME.domain(), "pw-alice");
            List<String> strangers = new ArrayList<>(List.of("bob", "carol"));
            for (int i = 1; i <= SPAMMERS; i++) {
                strangers.add("spam" + i);
            }
            for (String user : strangers) {
                servers.register(user, AWAY.domain(), "pw-" + user);
            }
            Path log = dir.resolve("gateway.log");
            ns.start(Namespace.gateway("run", "--config", config(servers.caFile()).toString()), log);
            Await.until("the gateway's nodes on pubsub.home.test", Await.GENEROUS,
                    () -> Namespace.read(log).contains("node=gateway/greenhouse access updated") && Namespace.read(log).contains("node=gateway/shed access updated"));

            Path script = Path.of("src/test/python/sharing_across_servers.py").toAbsolutePath();
            Namespace.Outcome played = ns.run(List.of("/usr/bin/python3", script.toString(), HOME.address(), AWAY.address(),
                    servers.caFile().toString(), "gateway@home.test/gw", "pubsub.home.test", "gateway/greenhouse", "greenhouse", "shed",
                    Integer.toString(SPAMMERS)), 900);
            System.out.println(played.output());
            assertThat(played.code()).as(played.output() + "\n--- gateway log:\n" + Namespace.read(log) + "\n--- home.test:\n"
                    + servers.log(HOME.domain())).isZero();
            assertThat(played.output()).contains("ok revoked: the subscription ended").contains("ok denied:").contains("all steps done");
            assertThat(Namespace.read(log)).contains("sharing: alice@home.test allowed bob@away.test to read greenhouse")
                    .contains("subscriptions ended: [bob@away.test");
            // Kept beside the store, not in the configuration; empty again after the revoke.
            assertThat(Files.readString(dir.resolve("shares"))).doesNotContain("bob@away.test");
        }
    }

    private Path config(Path caFile) throws java.io.IOException {
        Files.writeString(dir.resolve("xmpp.password"), "pw-gateway\n");
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, """
                xmpp:
                  jid: gateway@home.test
                  password-file: xmpp.password
                  resource: gw
                  server: %s
                  ca-file: %s
                  pubsub:
                    service: pubsub.home.test
                access:
                  owners: [ alice@home.test ]
                store:
                  path: readings.db
                things:
                  - id: greenhouse
                    driver: simulated
                    interval: 1s
                    fields:
                      - { name: temperature, unit: °C, waveform: sine, min: 15, max: 25, period: 1m, decimals: 1 }
                  - id: shed
                    driver: simulated
                    interval: 1s
                    fields:
                      - { name: level, unit: cm, waveform: sine, min: 0, max: 200, period: 1m, decimals: 1 }
                """.formatted(HOME.address(), caFile), StandardCharsets.UTF_8);
        return config;
    }
}
