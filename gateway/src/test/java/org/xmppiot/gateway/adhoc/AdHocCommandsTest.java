package org.xmppiot.gateway.adhoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.commands.AdHocCommand;
import org.jivesoftware.smackx.commands.AdHocCommandManager;
import org.jivesoftware.smackx.commands.AdHocCommandNote;
import org.jivesoftware.smackx.commands.RemoteCommand;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.jivesoftware.smackx.xdata.form.FillableForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.xmppiot.gateway.config.ConfigHash;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.GatewaySupervisor;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.testing.ProsodyExtension;
import org.xmppiot.gateway.xmpp.UnparsableStanzas;

/**
 * XEP-0050 management against a real Prosody, driven by Smack's client side as any client would:
 * commands listed by role, status as the gateway reports it, a driver restarted, and a configuration
 * replaced live only with the right hash and valid content.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdHocCommandsTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway")
            .withAccount("gateway").withAccount("owner").withAccount("reader").withAccount("stranger");

    @TempDir
    static Path dir;

    private static final String GATEWAY = "gateway@localhost/gateway";
    private static final String THINGS = """
                node-prefix: adhoc/
            access:
              owners: [ owner@localhost ]
              readers: [ reader@localhost ]
            things:
              - id: boiler
                driver: simulated
                interval: 1d
                fields:
                  - { name: temperature, unit: "°C", waveform: constant, value: 61.25, decimals: 2 }
            """;
    private static Path configFile;
    private static GatewaySupervisor supervisor;

    @BeforeAll
    static void start() throws Exception {
        configFile = prosody.writeConfig(dir, "gateway", THINGS);
        supervisor = new GatewaySupervisor(configFile, DriverRegistry.fromClassPath());
        supervisor.start();
        assertThat(supervisor.current().uplink().awaitReady(Await.GENEROUS)).isNotNull();
        // Two readings: the boiler's first, and its status going online.
        Await.until("the boiler's first reading to be published", () -> supervisor.current().publisher().published() >= 2
                && supervisor.current().status().contains("waiting: 0;"));
    }

    @AfterAll
    static void stop() {
        if (supervisor != null) {
            supervisor.close();
        }
    }

    /** One account's connection, keeping the chat messages the gateway sends it. */
    private static final class Client implements AutoCloseable {
        final XMPPTCPConnection connection;
        final List<String> chat = new CopyOnWriteArrayList<>();

        Client(String user) throws Exception {
            connection = prosody.connection(dir, user, "test");
            connection.addAsyncStanzaListener(s -> chat.add(((Message) s).getBody()),
                    s -> s instanceof Message && ((Message) s).getBody() != null);
            connection.connect().login();
        }

        RemoteCommand command(String node) throws Exception {
            return AdHocCommandManager.getAddHocCommandsManager(connection).getRemoteCommand(JidCreate.from(GATEWAY), node);
        }

        /** Runs a command that has no form; returns its one note. */
        AdHocCommandNote run(String node) throws Exception {
            RemoteCommand c = command(node);
            c.execute();
            assertThat(c.getStatus()).isEqualTo(AdHocCommand.Status.completed);
            assertThat(c.getNotes()).hasSize(1);
            return c.getNotes().get(0);
        }

        /** Runs a command through its form, filled in by {@code answers} (name, value, ...); returns its one note. */
        AdHocCommandNote fillIn(String node, String... answers) throws Exception {
            RemoteCommand c = command(node);
            c.execute();
            assertThat(c.getStatus()).isEqualTo(AdHocCommand.Status.executing);
            FillableForm form = new FillableForm(c.getForm());
            for (int i = 0; i < answers.length; i += 2) {
                form.setAnswer(answers[i], answers[i + 1]);
            }
            c.complete(form);
            assertThat(c.getStatus()).isEqualTo(AdHocCommand.Status.completed);
            assertThat(c.getNotes()).hasSize(1);
            return c.getNotes().get(0);
        }

        List<String> commandNodes() throws Exception {
            DiscoverItems items = ServiceDiscoveryManager.getInstanceFor(connection).discoverItems(JidCreate.from(GATEWAY), CommandResponder.NAMESPACE);
            return items.getItems().stream().map(DiscoverItems.Item::getNode).toList();
        }

        @Override
        public void close() {
            connection.disconnect();
        }
    }

    @Test
    @Order(1)
    void clientsDiscoverTheCommandsTheirRoleMayRun() throws Exception {
        try (Client owner = new Client("owner"); Client reader = new Client("reader"); Client stranger = new Client("stranger")) {
            assertThat(owner.commandNodes()).containsExactly("list", "status", "restart-driver", "replace-config", "update");
            assertThat(reader.commandNodes()).containsExactly("list", "status");
            assertThat(stranger.commandNodes()).as("a stranger may only ask for access").containsExactly("request");
            assertThat(ServiceDiscoveryManager.getInstanceFor(owner.connection)
                    .discoverInfo(JidCreate.from(GATEWAY)).containsFeature(CommandResponder.NAMESPACE)).isTrue();

            XMPPException.XMPPErrorException refused = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> reader.command("restart-driver").execute());
            assertThat(refused.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.forbidden);
            refused = assertThrows(XMPPException.XMPPErrorException.class, () -> stranger.command("list").execute());
            assertThat(refused.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.forbidden);
        }
    }

    @Test
    @Order(2)
    void statusAndListSayWhatTheGatewayHolds() throws Exception {
        try (Client reader = new Client("reader")) {
            AdHocCommandNote list = reader.run("list");
            assertThat(list.getValue()).isEqualTo("boiler (boiler)");
            AdHocCommandNote status = reader.run("status");
            assertThat(status.getType()).isEqualTo(AdHocCommandNote.Type.info);
            // Nothing changes while the boiler sleeps for a day, so the note is exactly the gateway's own account.
            assertThat(status.getValue()).isEqualTo(supervisor.current().status())
                    .startsWith("Connected as gateway@localhost/gateway.").contains("Things: 1, 1 online\n  boiler: online").contains("Published: 2 readings; waiting: 0");
        }
    }

    @Test
    @Order(3)
    void anOwnerRestartsADriverAndItReadsAgain() throws Exception {
        Gateway gateway = supervisor.current();
        Reading before = gateway.bus().latest().latest("boiler");
        try (Client owner = new Client("owner")) {
            AdHocCommandNote restarted = owner.fillIn("restart-driver", "thing", "boiler");
            assertThat(restarted.getType()).isEqualTo(AdHocCommandNote.Type.info);
            assertThat(restarted.getValue()).isEqualTo("The driver of 'boiler' was restarted.");
            // A day-long interval: only a new driver reads again now.
            Await.until("a reading from the restarted driver", () -> gateway.bus().latest().latest("boiler").timestamp().isAfter(before.timestamp()));

            AdHocCommandNote unknown = owner.fillIn("restart-driver", "thing", "boiler2");
            assertThat(unknown.getType()).isEqualTo(AdHocCommandNote.Type.error);
            assertThat(unknown.getValue()).isEqualTo("Not restarted: no configured thing 'boiler2'.");

            // Updates need the package's update helper, which a gateway run from a build does not have.
            AdHocCommandNote update = owner.fillIn("update", "version", "0.2.0");
            assertThat(update.getType()).isEqualTo(AdHocCommandNote.Type.error);
            assertThat(update.getValue()).startsWith("Not updated: this gateway has no update helper (it was not installed from its Debian package;");
        }
    }

    @Test
    @Order(4)
    void aStrangersUnparsableFormIsDroppedAndTheGatewayStaysConnected() throws Exception {
        XMPPTCPConnection session = supervisor.current().uplink().awaitReady(Duration.ZERO);
        long droppedBefore = UnparsableStanzas.INSTANCE.dropped();
        try (Client stranger = new Client("stranger"); Client reader = new Client("reader")) {
            // An untyped field with two values: Smack's parser takes it for text-single and fails.
            StandardExtensionElement form = StandardExtensionElement.builder("x", "jabber:x:data").addAttribute("type", "submit")
                    .addElement(StandardExtensionElement.builder("field", "jabber:x:data").addAttribute("var", "mystery")
                            .addElement("value", "one").addElement("value", "two").build())
                    .build();
            stranger.connection.sendStanza(stranger.connection.getStanzaFactory().buildMessageStanza()
                    .to(JidCreate.from(GATEWAY)).addExtension(form).build());
            Await.until("the gateway to drop the stanza", () -> UnparsableStanzas.INSTANCE.dropped() > droppedBefore);
            assertThat(reader.run("status").getValue()).contains("Unreadable stanzas dropped: " + UnparsableStanzas.INSTANCE.dropped());
            assertThat(supervisor.current().uplink().awaitReady(Duration.ZERO)).isSameAs(session);
        }
    }

    @Test
    @Order(5)
    void aConfigurationIsReplacedOnlyWithTheRightHashAndValidContent() throws Exception {
        String running = Files.readString(configFile, StandardCharsets.UTF_8);
        Gateway before = supervisor.current();
        String next = running + """
                  - id: garden
                    name: Garden <north> & pond
                    driver: simulated
                    interval: 1s
                    fields:
                      - { name: moisture, unit: "%", waveform: constant, value: 40 }
                """;
        try (Client owner = new Client("owner")) {
            AdHocCommandNote wrongHash = owner.fillIn("replace-config", "config", next, "hash", ConfigHash.of(running, "sha-256"));
            assertThat(wrongHash.getType()).isEqualTo(AdHocCommandNote.Type.error);
            assertThat(wrongHash.getValue()).isEqualTo("Refused, nothing changed: the sha-256 hash does not match the document (changed or cut on the way?)");

            String invalid = next.replace("driver: simulated\n    interval: 1s", "driver: sprinkler\n    interval: 1s");
            AdHocCommandNote badContent = owner.fillIn("replace-config", "config", invalid,
                    "hash-algorithm", "sha3-256", "hash", ConfigHash.of(invalid, "sha3-256"));
            assertThat(badContent.getType()).isEqualTo(AdHocCommandNote.Type.error);
            assertThat(badContent.getValue()).startsWith("Refused, nothing changed: ").contains("the new configuration:").contains("things[1].driver: no driver named 'sprinkler'")
                    .doesNotContain(".incoming");

            // Refused means no swap began: each swap ends in an outcome by chat, and only the accepted one's comes below.
            assertThat(supervisor.current()).isSameAs(before);
            assertThat(Files.readString(configFile, StandardCharsets.UTF_8)).isEqualTo(running);

            Instant asked = Instant.now();
            AdHocCommandNote accepted = owner.fillIn("replace-config", "config", next, "hash-algorithm", "sha-512",
                    "hash", ConfigHash.of(next, "sha-512"));
            assertThat(accepted.getType()).as(accepted.getValue()).isEqualTo(AdHocCommandNote.Type.info);
            assertThat(accepted.getValue()).startsWith("Accepted");

            Await.until("the outcome by chat", () -> owner.chat.stream().anyMatch(m -> m.startsWith("The new configuration is running")));
            assertThat(owner.chat).filteredOn(m -> m.startsWith("The new configuration")).singleElement().asString()
                    .startsWith("The new configuration is running (added garden, changed none, removed none, 1 unchanged); "
                            + "the XMPP session stayed up.");
            Gateway after = supervisor.current();
            assertThat(after).as("only things changed: applied thing by thing, no restart").isSameAs(before);
            assertThat(after.config().things()).extracting(t -> t.id()).containsExactly("boiler", "garden");
            assertThat(Files.readString(configFile, StandardCharsets.UTF_8)).isEqualTo(next);
            assertThat(Files.readString(configFile.resolveSibling("gateway.yaml.previous"), StandardCharsets.UTF_8)).isEqualTo(running);
            Await.until("the new thing's first reading", () -> after.bus().latest().latest("garden") != null && after.bus().latest().latest("garden").timestamp().isAfter(asked));
            assertThat(owner.run("list").getValue()).isEqualTo("boiler (boiler)\ngarden (Garden <north> & pond)");
        }
    }
}
