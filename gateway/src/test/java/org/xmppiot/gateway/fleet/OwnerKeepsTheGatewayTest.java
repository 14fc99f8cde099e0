package org.xmppiot.gateway.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.GatewaySupervisor;
import org.xmppiot.gateway.cli.Main;
import org.xmppiot.gateway.config.GatewayConfig;
import org.xmppiot.gateway.testing.ChatClient;
import org.xmppiot.gateway.testing.ProsodyExtension;

/**
 * An owner cannot lock itself out with a configuration document: one that names only things keeps the gateway's
 * account, owners and readers, store and page; one that would leave no owner, or take the sender off the owners
 * without saying so, is refused with nothing changed; and a reload of a file without owners is refused too.
 */
class OwnerKeepsTheGatewayTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway")
            .withAccount("gateway").withAccount("owner").withAccount("reader").withAccount("heir");

    @TempDir
    Path dir;

    private GatewaySupervisor supervisor;

    @AfterEach
    void stop() {
        if (supervisor != null) {
            supervisor.close();
        }
    }

    private String push(String document) throws Exception {
        Path doc = Files.writeString(dir.resolve("doc.yaml"), document);
        StringWriter out = new StringWriter();
        int exit = Main.run(new String[] {"fleet", "push", "-c", prosody.writeConfig(dir, "owner", "").toString(), doc.toString(),
                "--to", "gateway@localhost"}, new PrintWriter(out, true), new PrintWriter(out, true));
        return exit + " " + out;
    }

    @Test
    void aThingsOnlyPushKeepsEverythingElseAndUnsafeDocumentsAreRefused() throws Exception {
        Path file = prosody.writeConfig(dir, "gateway", """
                access:
                  owners: [ owner@localhost ]
                  readers: [ reader@localhost ]
                http:
                  enabled: true
                  port: 0
                things:
                  - { id: tank, driver: simulated, fields: [ { name: level } ] }
                """);
        Files.writeString(file, Files.readString(file).replace("  path: gateway.db\n", "  path: site/kept.db\n"));
        supervisor = new GatewaySupervisor(file, DriverRegistry.fromClassPath());
        supervisor.start();
        assertThat(supervisor.current().uplink().awaitReady(Await.GENEROUS)).isNotNull();
        GatewayConfig before = supervisor.current().config();

        // Only things: the rest stays as it runs, and a reader reads the new thing at once.
        String accepted = push("""
                things:
                  - { id: tank, driver: simulated, fields: [ { name: level } ] }
                  - { id: extra, driver: simulated, interval: 200ms, fields: [ { name: v } ] }
                """);
        assertThat(accepted).startsWith("0 ").contains("gateway@localhost: accepted");
        Await.until("the new thing running", () -> supervisor.current().things().thing("extra").isPresent());
        GatewayConfig after = supervisor.current().config();
        assertThat(after.xmpp()).isEqualTo(before.xmpp());
        assertThat(after.access()).isEqualTo(before.access());
        assertThat(after.store()).isEqualTo(before.store());
        assertThat(after.store().path().toString()).endsWith("site/kept.db");
        assertThat(after.http()).isEqualTo(before.http());
        assertThat(supervisor.current().uplink().sessions()).as("the session stayed up").isEqualTo(1);
        try (ChatClient reader = new ChatClient(prosody, dir, "reader")) {
            Await.until("the reader reads the new thing", () -> String.valueOf(reader.trySay("read extra")).matches("\\S+Z extra v=\\S+"));
        }
        assertThat(Files.readString(file)).contains("owners: [ owner@localhost ]", "path: site/kept.db", "enabled: true", "id: extra");

        // No owner left: refused, nothing changed.
        String noOwner = push("""
                access:
                  readers: [ reader@localhost ]
                things:
                  - { id: other, driver: simulated, fields: [ { name: v } ] }
                """);
        assertThat(noOwner).startsWith("1 ").contains("refused: Refused, nothing changed: it leaves the gateway without an owner");
        // The sender taken off the owners without saying so: refused.
        String notMe = push("""
                access:
                  owners: [ heir@localhost ]
                """);
        assertThat(notMe).startsWith("1 ").contains("it takes you (owner@localhost) off access.owners")
                .contains("add 'handover: true'");
        assertThat(supervisor.current().config().access()).isEqualTo(before.access());
        assertThat(supervisor.current().things().thing("other")).isEmpty();

        // A reload of a file without owners: refused, the running configuration stays.
        Files.writeString(file, Files.readString(file).replace("  owners: [ owner@localhost ]\n", ""));
        supervisor.reload();
        assertThat(supervisor.current().config().access().owners()).containsExactly("owner@localhost");

        // Said explicitly, the owner may hand the gateway over.
        String handover = push("""
                handover: true
                access:
                  owners: [ heir@localhost ]
                """);
        assertThat(handover).startsWith("0 ").contains("accepted");
        Await.until("the heir owning the gateway", () -> supervisor.current().config().access().owners().equals(List.of("heir@localhost"))
                && supervisor.current().uplink().isReady());
        assertThat(Files.readString(file)).doesNotContain("handover");
    }
}
