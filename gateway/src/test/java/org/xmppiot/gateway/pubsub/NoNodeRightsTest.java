package org.xmppiot.gateway.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.cli.Main;
import org.xmppiot.gateway.sensordata.element.SensorDataFields;
import org.xmppiot.gateway.sensordata.element.SensorDataRequest;
import org.xmppiot.gateway.testing.ChatClient;
import org.xmppiot.gateway.testing.ProsodyExtension;

/**
 * A stock Prosody lets only its pub/sub component's admins create nodes, and the gateway's account is not one. The
 * gateway still comes online and answers read-outs and chat, says why publishing waits, keeps what it reads, and
 * doctor names the cause and the fix.
 */
class NoNodeRightsTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension().withAccount("gateway").withAccount("owner").withAccount("reader");

    @TempDir
    Path dir;

    @Test
    void aGatewayThatMayNotCreateNodesIsReachableAndSaysWhyPublishingWaits() throws Exception {
        Gateway gateway = prosody.startGateway(dir, """
                access:
                  owners: [ owner@localhost ]
                  readers: [ reader@localhost ]
                things:
                  - { id: t, driver: simulated, interval: 100ms, fields: [ { name: v } ] }
                """);
        assertThat(gateway.uplink().sessions()).isEqualTo(1);
        try (ChatClient reader = new ChatClient(prosody, dir, "reader"); ChatClient owner = new ChatClient(prosody, dir, "owner")) {
            SensorDataFields read = reader.readOut(new SensorDataRequest(1, List.of("t"), List.of(), Set.of(), false, null, null, null));
            assertThat(read.readings()).isNotEmpty().allSatisfy(r -> assertThat(r.field("v")).isNotNull());
            assertThat(owner.say("status")).startsWith("Connected as gateway@localhost/gateway.")
                    .contains("Publishing waits: Cannot set up pub/sub node 'gateway/t' on pubsub.localhost: the server answered forbidden");
        }
        assertThat(gateway.publishingWaits()).contains("list it in the pubsub component's admins");
        // Nothing read is lost meanwhile: it waits in the store, and nothing was counted as refused.
        long stored = gateway.storeWriter().stored();
        Await.until("readings kept while publishing waits", () -> gateway.storeWriter().stored() > stored + 10 && gateway.unsent() > 10);
        assertThat(gateway.publisher().failed()).isZero();
        assertThat(gateway.uplink().sessions()).as("the session stayed up").isEqualTo(1);

        StringWriter out = new StringWriter();
        int exit = Main.run(new String[] {"doctor", "-c", dir.resolve("gateway.yaml").toString()}, new PrintWriter(out, true),
                new PrintWriter(out, true));
        assertThat(exit).as(out.toString()).isEqualTo(1);
        assertThat(out.toString().lines()).as(out.toString())
                .anyMatch(l -> l.startsWith("FAIL  pubsub   pubsub.localhost does not let gateway@localhost create nodes (forbidden)"))
                .anyMatch(l -> l.contains("fix: on Prosody list gateway@localhost in the admins of its Component \"pubsub.localhost\" block"));
    }
}
