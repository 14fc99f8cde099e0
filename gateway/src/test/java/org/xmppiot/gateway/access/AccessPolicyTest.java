package org.xmppiot.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.gateway.config.AccessConfig;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.control.ControlSet;
import org.xmppiot.gateway.control.ControlSetProvider;
import org.xmppiot.gateway.iotdata.SensorDataRequest;
import org.xmppiot.gateway.testing.ProsodyExtension;

/**
 * Owners and readers are XMPP addresses, not spellings: configured as {@code Owner@LocalHost} they are the
 * {@code owner@localhost} the server reports, from any of their resources, in every feature.
 */
class AccessPolicyTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway")
            .withAccount("gateway").withAccount("owner").withAccount("reader").withAccount("stranger");

    @TempDir
    static Path dir;

    private static Gateway gateway;
    private static final String GATEWAY = "gateway@localhost/gateway";

    @BeforeAll
    static void start() throws Exception {
        gateway = prosody.startGateway(dir, """
                    node-prefix: mixed/
                access:
                  owners: [ Owner@LocalHost ]
                  readers: [ READER@localhost ]
                things:
                  - id: shed
                    driver: gpio
                    platform: mock
                    outputs: [ { name: pump, pin: 22, safe: off } ]
                """);
        Await.until("the shed's first reading to be published", () -> gateway.publisher().published() >= 1);
    }

    @Test
    void rolesAreDecidedOnBareJidsWhateverTheCaseOrResource() throws Exception {
        AccessPolicy policy = AccessPolicy.of(new AccessConfig(List.of("Alice@Example.ORG"), List.of("bob@example.org")));
        assertThat(policy.roleOf(JidCreate.from("alice@example.org/phone"))).isEqualTo(AccessPolicy.Role.OWNER);
        assertThat(policy.roleOf(JidCreate.from("ALICE@example.org/laptop"))).isEqualTo(AccessPolicy.Role.OWNER);
        assertThat(policy.roleOf("Bob@Example.org/x")).isEqualTo(AccessPolicy.Role.READER);
        assertThat(policy.roleOf(JidCreate.from("mallory@example.org"))).isEqualTo(AccessPolicy.Role.STRANGER);
        assertThat(policy.roleOf(JidCreate.from("example.org"))).isEqualTo(AccessPolicy.Role.STRANGER);
        assertThat(policy.roleOf((org.jxmpp.jid.Jid) null)).isEqualTo(AccessPolicy.Role.STRANGER);
        assertThat(policy.roleOf("@@")).isEqualTo(AccessPolicy.Role.STRANGER);
        assertThat(policy.everyone()).extracting(Object::toString).containsExactly("alice@example.org", "bob@example.org");
    }

    @Test
    void anOwnerConfiguredInCapitalsControlsFromEachOfItsResources() throws Exception {
        for (String resource : List.of("phone", "laptop")) {
            XMPPTCPConnection owner = connect("owner", resource);
            try {
                boolean on = resource.equals("phone");
                IQ done = ask(owner, set(on));
                assertThat(done.getType()).as("control from owner@localhost/%s", resource).isEqualTo(IQ.Type.result);
                Await.until("the pump " + on, () -> gateway.bus().latest().field("shed", "pump").orElseThrow().field().value()
                        .equals(new FieldValue.BooleanValue(on)));
                assertThat(chat(owner, "set shed pump " + (on ? "on" : "off"))).startsWith("Done:");
            } finally {
                owner.disconnect();
            }
        }
    }

    @Test
    void aReaderConfiguredInCapitalsReadsButDoesNotControlAndAStrangerDoesNeither() throws Exception {
        XMPPTCPConnection reader = connect("reader", "x");
        XMPPTCPConnection stranger = connect("stranger", "x");
        try {
            SensorDataRequest readOut = new SensorDataRequest(1, List.of("shed"), List.of(), Set.of(), false, null, null, null);
            assertThat(ask(reader, readOut).getChildElementName()).isEqualTo("accepted");
            assertThat(refusal(reader, set(true))).isEqualTo(StanzaError.Condition.forbidden);
            assertThat(chat(reader, "list")).startsWith("Things:");
            // The node lets only configured readers in (whitelist): the reader is a member of it.
            assertThat(PubSubManager.getInstanceFor(reader, JidCreate.bareFrom("pubsub.localhost")).getLeafNode("mixed/shed").getItems())
                    .isNotEmpty();

            SensorDataRequest strangers = new SensorDataRequest(2, List.of("shed"), List.of(), Set.of(), false, null, null, null);
            assertThat(refusal(stranger, strangers)).isEqualTo(StanzaError.Condition.forbidden);
            assertThat(chat(stranger, "list")).startsWith("Sorry, you are not allowed");
        } finally {
            reader.disconnect();
            stranger.disconnect();
        }
    }

    private static XMPPTCPConnection connect(String user, String resource) throws Exception {
        XMPPTCPConnection c = prosody.connection(dir, user, resource);
        c.connect().login();
        return c;
    }

    private static IQ ask(XMPPTCPConnection c, IQ request) throws Exception {
        request.setTo(JidCreate.from(GATEWAY));
        return c.sendIqRequestAndWaitForResponse(request);
    }

    private static StanzaError.Condition refusal(XMPPTCPConnection c, IQ request) {
        return assertThrows(XMPPException.XMPPErrorException.class, () -> ask(c, request)).getStanzaError().getCondition();
    }

    private static String chat(XMPPTCPConnection c, String text) throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        c.addSyncStanzaListener(s -> got.add(((Message) s).getBody()), s -> s instanceof Message m && m.getBody() != null);
        c.sendStanza(c.getStanzaFactory().buildMessageStanza().to(JidCreate.from(GATEWAY)).ofType(Message.Type.chat).setBody(text).build());
        Await.until("the answer to '" + text + "'", () -> !got.isEmpty());
        return got.get(0);
    }

    private static ControlSet set(boolean on) throws Exception {
        var parser = org.jivesoftware.smack.util.PacketParserUtils.getParserFor("<set xmlns='urn:xmpp:iot:control'><node nodeId='shed'/>"
                + "<boolean name='pump' value='" + on + "'/></set>");
        return new ControlSetProvider().parse(parser, parser.getDepth(), null, null);
    }
}
