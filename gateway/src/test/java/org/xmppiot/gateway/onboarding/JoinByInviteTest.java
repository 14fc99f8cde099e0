package org.xmppiot.gateway.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.commands.AdHocCommandManager;
import org.jivesoftware.smackx.commands.RemoteCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.GatewaySupervisor;
import org.xmppiot.gateway.cli.Main;
import org.xmppiot.gateway.testing.ProsodyExtension;

/**
 * Joining a server the user already has, with nothing but an invite from the owner's XMPP app: on a real Prosody with
 * mod_invites, the gateway registers its own account, takes the inviter as owner, greets it and answers it; the same
 * invite a second time is refused in one sentence with exit code 1.
 */
class JoinByInviteTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension().withInvites().withAccount("alice");

    @TempDir
    Path dir;

    @Test
    void aGatewayGivenOnlyAnInviteRegistersTakesTheInviterAsOwnerAndGreetsIt() throws Exception {
        XMPPTCPConnection alice = prosody.connection(dir, "alice", "phone");
        List<String> heard = new CopyOnWriteArrayList<>();
        alice.addSyncStanzaListener(s -> heard.add(((Message) s).getBody()), s -> s instanceof Message m && m.getBody() != null);
        alice.connect().login();
        String invite = contactInvite(alice);
        assertThat(invite).startsWith("xmpp:alice@localhost?roster;preauth=").contains("ibr=y");

        // As the package installs it: a placeholder account and no password yet.
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, """
                xmpp:
                  jid: gateway@example.org   # the gateway's own account: set yours
                  password-file: gateway.password
                  server: 127.0.0.1
                  port: %d
                  tls: disabled
                access:
                  owners: []
                  readers: []
                store:
                  path: readings.db
                things:
                  - id: greenhouse
                    driver: simulated
                    interval: 500ms
                    fields:
                      - { name: temperature, unit: "°C", waveform: sine, min: 17, max: 27, period: 1m, decimals: 1 }
                """.formatted(prosody.port()), StandardCharsets.UTF_8);

        Outcome joined = run("join", invite, "--config", config.toString());
        assertThat(joined.code).as(joined.err).isZero();
        assertThat(joined.out).contains("this gateway is gateway@localhost and alice@localhost is its owner");
        String text = Files.readString(config);
        assertThat(text).contains("jid: gateway@localhost   # the gateway's own account").contains("owners: [ alice@localhost ]")
                .contains("things:");
        Path password = dir.resolve("gateway.password");
        assertThat(Files.readString(password).strip()).hasSizeGreaterThanOrEqualTo(20);
        assertThat(Files.getPosixFilePermissions(password)).doesNotContain(PosixFilePermission.OTHERS_READ);

        try (GatewaySupervisor gateway = new GatewaySupervisor(config, DriverRegistry.fromClassPath())) {
            gateway.start();
            Await.until("the greeting", Await.GENEROUS, () -> heard.stream().anyMatch(l -> l != null && l.startsWith("Hello, I am gateway@localhost")));
            assertThat(heard).anyMatch(l -> l.equals("Hello, I am gateway@localhost, online with 1 thing (greenhouse). You are my owner."
                    + " Reply help for what I understand."));
            // Mutual contacts: the gateway sees the owner come and go, the owner the gateway.
            Roster roster = Roster.getInstanceFor(alice);
            Await.until("the gateway in alice's roster with a mutual subscription", Await.GENEROUS, () -> {
                RosterEntry e = roster.getEntry(JidCreate.bareFromOrThrowUnchecked("gateway@localhost"));
                return e != null && e.getType() == RosterPacket.ItemType.both;
            });
            heard.clear();
            alice.sendStanza(alice.getStanzaFactory().buildMessageStanza().to(JidCreate.from("gateway@localhost/gateway"))
                    .ofType(Message.Type.chat).setBody("read greenhouse").build());
            Await.until("the answer to 'read greenhouse'", Await.GENEROUS, () -> heard.stream().anyMatch(l -> l.contains("temperature")));
            // Greeted once: the next session does not greet again.
            assertThat(Files.exists(dir.resolve("greet"))).isFalse();
        } finally {
            alice.disconnect();
        }

        Path other = dir.resolve("other.yaml");
        String before = Files.readString(config).replace("gateway@localhost", "second@localhost");
        Files.writeString(other, before, StandardCharsets.UTF_8);
        Outcome again = run("join", invite, "--config", other.toString());
        assertThat(again.code).isEqualTo(1);
        assertThat(again.err.strip()).isEqualTo("xmpp-iot-gateway: the invite was refused by localhost: it has been used or has expired"
                + " (forbidden: The invite token is invalid or expired); ask alice@localhost for a new one");
        assertThat(Files.readString(other)).isEqualTo(before);
    }

    @Test
    void anInviteLeftBesideTheConfigurationIsUsedBeforeTheGatewayStartsAndRemoved() throws Exception {
        XMPPTCPConnection alice = prosody.connection(dir, "alice", "laptop");
        alice.connect().login();
        String invite;
        try {
            invite = contactInvite(alice);
        } finally {
            alice.disconnect();
        }
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, """
                xmpp:
                  jid: pi@example.org
                  password-file: password
                  server: 127.0.0.1
                  port: %d
                  tls: disabled
                store:
                  path: readings.db
                things: []
                """.formatted(prosody.port()), StandardCharsets.UTF_8);
        Path pending = PendingInvite.file(config);
        Files.writeString(pending, invite + "\r\n", StandardCharsets.UTF_8);

        assertThat(PendingInvite.joinIfAny(config, DriverRegistry.fromClassPath())).isNull();
        assertThat(pending).doesNotExist();
        assertThat(Files.readString(config)).contains("jid: pi@localhost").contains("owners: [ alice@localhost ]");
        assertThat(Files.readString(dir.resolve("greet")).strip()).isEqualTo("alice@localhost");

        // Left there again (a second boot with the same card): used up, said once, and kept aside.
        Files.writeString(pending, invite, StandardCharsets.UTF_8);
        String refusal = PendingInvite.joinIfAny(config, DriverRegistry.fromClassPath());
        assertThat(refusal).startsWith("the invite in " + pending + " cannot be used (kept as " + dir.resolve("invite.refused") + "):")
                .contains("it has been used or has expired");
        assertThat(pending).doesNotExist();
        assertThat(dir.resolve("invite.refused")).exists();
    }

    @Test
    void anInviteThatIsNoInviteIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path config = dir.resolve("gateway.yaml");
        Outcome o = run("join", "xmpp:alice@localhost", "--config", config.toString());
        assertThat(o.code).isEqualTo(2);
        assertThat(o.err.strip()).isEqualTo("xmpp-iot-gateway: 'xmpp:alice@localhost' is an address, not an invite: it has no"
                + " ?register;preauth=... or ?roster;preauth=... part");
        Outcome contactOnly = run("join", "xmpp:alice@localhost?roster;preauth=abc", "--config", config.toString());
        assertThat(contactOnly.code).isEqualTo(2);
        assertThat(contactOnly.err).contains("creates no account");
        assertThat(Files.exists(config)).isFalse();
    }

    /** What a user's app does for "invite a contact": XEP-0401's ad-hoc command on the user's server. */
    static String contactInvite(XMPPTCPConnection user) throws Exception {
        RemoteCommand command = AdHocCommandManager.getAddHocCommandsManager(user).getRemoteCommand(user.getXMPPServiceDomain(),
                "urn:xmpp:invite#invite");
        command.execute();
        return command.getForm().getField("uri").getFirstValue();
    }

    record Outcome(int code, String out, String err) {
    }

    static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Outcome(code, out.toString(), err.toString());
    }
}
