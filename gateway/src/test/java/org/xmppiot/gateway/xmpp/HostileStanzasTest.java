package org.xmppiot.gateway.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Nonza;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.PingManager;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.iotdata.SensorDataFields;
import org.xmppiot.gateway.iotdata.SensorDataRequest;
import org.xmppiot.gateway.testing.ProsodyExtension;

/**
 * Anyone on the XMPP network can send the gateway anything. Against a real Prosody, which closes a
 * session that writes malformed XML: stanzas that used to take the gateway offline, a stranger's flood,
 * and a seeded fuzz from a stranger and from an owner. Throughout, the gateway's first session must stay
 * (one session, never a reconnect), requests get one answer each, publishing goes on and a reader reads.
 * A failing fuzz prints its seed; {@code -Dfuzz.seed=N} replays it.
 */
class HostileStanzasTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway")
            .withAccount("gateway").withAccount("owner").withAccount("reader").withAccount("stranger").withAccount("flooder")
            .withAccount("fuzzer");

    @TempDir
    static Path dir;

    private static Gateway gateway;
    private static final String GATEWAY = "gateway@localhost/gateway";

    @BeforeAll
    static void start() throws Exception {
        gateway = prosody.startGateway(dir, """
                    node-prefix: hostile/
                access:
                  owners: [ owner@localhost ]
                  readers: [ reader@localhost ]
                things:
                  - id: boiler
                    driver: simulated
                    interval: 100ms
                    fields:
                      - { name: temperature, unit: "°C", waveform: sine, min: 20, max: 80, period: 1m, decimals: 2 }
                  - id: shed
                    driver: gpio
                    platform: mock
                    outputs: [ { name: pump, pin: 22, safe: off } ]
                """);
        long published = gateway.publisher().published();
        Await.until("the first readings published", () -> gateway.publisher().published() > published);
    }

    /** One account's connection that sends raw XML and counts the answers to its IQ requests by id. */
    private static final class Peer implements AutoCloseable {
        final XMPPTCPConnection connection;
        final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        final List<IQ> errors = new CopyOnWriteArrayList<>();

        Peer(String user) throws Exception {
            connection = prosody.connection(dir, user, "peer");
            connection.addSyncStanzaListener(s -> {
                answers.computeIfAbsent(s.getStanzaId(), id -> new AtomicInteger()).incrementAndGet();
                if (((IQ) s).getType() == IQ.Type.error) {
                    errors.add((IQ) s);
                }
            }, s -> s instanceof IQ iq && (iq.getType() == IQ.Type.result || iq.getType() == IQ.Type.error));
            connection.connect().login();
        }

        void send(String xml) throws Exception {
            connection.sendNonza(new Nonza() {
                @Override
                public String getNamespace() {
                    return "jabber:client";
                }

                @Override
                public String getElementName() {
                    return "raw";
                }

                @Override
                public CharSequence toXML(XmlEnvironment enclosing) {
                    return xml;
                }
            });
        }

        int answersTo(String id) {
            AtomicInteger n = answers.get(id);
            return n == null ? 0 : n.get();
        }

        @Override
        public void close() {
            connection.disconnect();
        }
    }

    /** The gateway still has its first session, and answers a reader's ping on it now (a stranger may be rationed). */
    private static void stillOnline() throws Exception {
        try (Peer reader = new Peer("reader")) {
            assertThat(PingManager.getInstanceFor(reader.connection).ping(JidCreate.from(GATEWAY))).as("the gateway answers a ping").isTrue();
        }
        assertThat(gateway.uplink().sessions()).as("sessions of the gateway (a reconnect means it was thrown off)").isEqualTo(1);
        assertThat(gateway.uplink().lastFailure()).isNull();
    }

    private static void aReaderStillReads() throws Exception {
        try (Peer reader = new Peer("reader")) {
            List<Stanza> got = new CopyOnWriteArrayList<>();
            reader.connection.addSyncStanzaListener(got::add, s -> s instanceof Message && s.getExtension(SensorDataFields.NAMESPACE) != null);
            SensorDataRequest request = new SensorDataRequest(77, List.of("boiler"), List.of(), Set.of(), false, null, null, null);
            request.setTo(JidCreate.from(GATEWAY));
            assertThat(reader.connection.sendIqRequestAndWaitForResponse(request).getChildElementName()).isEqualTo("accepted");
            Await.until("the read-out's values", () -> !got.isEmpty());
            assertThat(((SensorDataFields) got.get(0).getExtension(SensorDataFields.NAMESPACE)).readings().get(0).field("temperature")).isNotNull();
        }
    }

    @Test
    void anIqRequestNobodyHandlesGetsABareErrorAndTheSessionStays() throws Exception {
        try (Peer stranger = new Peer("stranger")) {
            // Smack 4.4.8 answered this with an echo of the child that was not well-formed XML; the server then closed our stream.
            stranger.send("<iq type='set' id='unknown-1' to='" + GATEWAY + "'><set xmlns='http://jabber.org/protocol/disco#info'>"
                    + "<x xmlns='urn:example:nobody' a='&lt;&amp;&gt;'>text</x></set></iq>");
            stranger.send("<iq type='get' id='unknown-2' to='" + GATEWAY + "'/>");
            Await.until("the answers", () -> stranger.answersTo("unknown-1") == 1 && stranger.answersTo("unknown-2") == 1);
            // Smack cannot even read a request without a child; it is answered all the same.
            assertThat(stranger.errors).extracting(e -> e.getStanzaId() + " " + e.getError().getCondition())
                    .containsExactlyInAnyOrder("unknown-1 service-unavailable", "unknown-2 bad-request");
            // Only the error: nothing of what the stranger sent comes back.
            assertThat(stranger.errors).allSatisfy(e -> assertThat(e.toXML().toString()).doesNotContain("urn:example:nobody").doesNotContain("disco#info"));
            stillOnline();
        }
    }

    @Test
    void anOwnersMalformedUnsubscribeLeavesTheSessionAnsweringAndPublishing() throws Exception {
        try (Peer owner = new Peer("owner")) {
            owner.send("<iq type='set' id='unsub-1' to='" + GATEWAY + "'><unsubscribe xmlns='urn:xmpp:iot:events' seqnr='99999999999999999999999999'"
                    + " xmlns:x='urn:example:x' x:when='-P1D'><node nodeId='&#x202E;boiler'/></unsubscribe></iq>");
            owner.send("<iq type='set' id='unsub-2' to='" + GATEWAY + "'><unsubscribe xmlns='urn:xmpp:iot:events' seqnr='abc' maxInterval='P'>"
                    + "text<field name='' changedBy='-1'>x</field></unsubscribe></iq>");
            owner.send("<iq type='set' id='unsub-3' to='" + GATEWAY + "'><unsubscribe xmlns='urn:xmpp:iot:events'/></iq>");
            Await.until("an answer to each malformed unsubscribe", () -> owner.answersTo("unsub-1") == 1 && owner.answersTo("unsub-2") == 1
                    && owner.answersTo("unsub-3") == 1);
            assertThat(owner.errors).extracting(IQ::getStanzaId).contains("unsub-1", "unsub-2", "unsub-3");
            long published = gateway.publisher().published();
            Await.until("publishing after it", () -> gateway.publisher().published() > published + 5);
            stillOnline();
            aReaderStillReads();
        }
    }

    @Test
    void aMalformedElementOfEveryNamespaceFromAnOwnerIsAnsweredAndTheSessionStays() throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        try (Peer owner = new Peer("owner")) {
            int n = 0;
            for (List<String> vocabulary : HostileStanzas.VOCABULARY) {
                String ns = vocabulary.get(0);
                for (String element : vocabulary.subList(1, vocabulary.size())) {
                    // Absurd attribute values, a wrong child, text where elements belong; as a request and inside a message.
                    String bad = "<" + element + " xmlns='" + ns + "' seqnr='x' node='' nodeId='&#x202E;' type='maybe' stamp='yesterday'"
                            + " maxInterval='P' value='1e309'>text<" + element + " action='-1'><node/></" + element + ">&lt;</" + element + ">";
                    for (String type : List.of("get", "set")) {
                        String id = "ns-" + n++;
                        ids.add(id);
                        owner.send("<iq type='" + type + "' id='" + id + "' to='" + GATEWAY + "'>" + bad + "</iq>");
                    }
                    owner.send("<message to='" + GATEWAY + "' type='chat'><body>status</body>" + bad + "</message>");
                    owner.send("<presence to='" + GATEWAY + "'>" + bad + "</presence>");
                }
            }
            Await.until("one answer to each of " + ids.size() + " requests", () -> ids.stream().allMatch(id -> owner.answersTo(id) >= 1));
            assertThat(ids).allSatisfy(id -> assertThat(owner.answersTo(id)).as(id).isEqualTo(1));
        }
        long published = gateway.publisher().published();
        Await.until("publishing after them", () -> gateway.publisher().published() > published + 5);
        stillOnline();
        anOwnerIsStillAnswered();
    }

    @Test
    void aNestedUserTuneThatSendsSmacksProviderIntoALoopIsDroppedAndTheSessionStays() throws Exception {
        long dropped = UnparsableStanzas.INSTANCE.dropped();
        try (Peer stranger = new Peer("stranger")) {
            // Smack 4.4.8's UserTuneProvider never leaves its loop at the end tag of a nested element: on the reader
            // thread that left the session deaf for good. Presence from anyone is parsed.
            stranger.send("<presence to='" + GATEWAY + "'><tune xmlns='http://jabber.org/protocol/tune'><tune><node/></tune></tune></presence>");
            Await.until("the stanza dropped", () -> UnparsableStanzas.INSTANCE.dropped() > dropped);
        }
        long published = gateway.publisher().published();
        Await.until("publishing after it", () -> gateway.publisher().published() > published + 5);
        stillOnline();
        aReaderStillReads();
    }

    @Test
    void aDataFormWithoutATypeIsDroppedAndTheSessionStays() throws Exception {
        long dropped = UnparsableStanzas.INSTANCE.dropped();
        try (Peer stranger = new Peer("stranger")) {
            // Smack's DataFormProvider throws a NullPointerException here, which Smack 4.4.8 let end the connection.
            stranger.send("<message to='" + GATEWAY + "'><x xmlns='jabber:x:data'/></message>");
            // The same inside an IQ request: dropped, and still answered.
            stranger.send("<iq type='set' id='form-1' to='" + GATEWAY + "'><command xmlns='http://jabber.org/protocol/commands' node='status'>"
                    + "<x xmlns='jabber:x:data'/></command></iq>");
            Await.until("both stanzas dropped", () -> UnparsableStanzas.INSTANCE.dropped() >= dropped + 2);
            Await.until("the answer to the request", () -> stranger.answersTo("form-1") == 1);
            assertThat(stranger.errors).extracting(e -> e.getError().getCondition()).containsExactly(StanzaError.Condition.bad_request);
            stillOnline();
        }
    }

    @Test
    void aHugeStanzaIsRefusedBeforeItIsParsed() throws Exception {
        long dropped = UnparsableStanzas.INSTANCE.dropped();
        try (Peer stranger = new Peer("stranger")) {
            String huge = "x".repeat(GuardedTcpConnection.MAX_STANZA_CHARS);
            stranger.send("<iq type='set' id='huge-1' to='" + GATEWAY + "'><set xmlns='urn:xmpp:iot:control'><node nodeId='shed'/>"
                    + "<string name='pump' value='" + huge + "'/></set></iq>");
            Await.until("the answer", () -> stranger.answersTo("huge-1") == 1);
            assertThat(stranger.errors).extracting(e -> e.getError().getCondition()).containsExactly(StanzaError.Condition.not_acceptable);
            assertThat(UnparsableStanzas.INSTANCE.dropped()).isGreaterThan(dropped);
            stillOnline();
        }
    }

    @Test
    void aFlooderGetsAFewErrorsThenSilenceWhileReadersKeepReading() throws Exception {
        long withheld = gateway.health().counters().strangerRepliesWithheld();
        try (Peer flooder = new Peer("flooder")) {
            long start = System.nanoTime();
            for (int i = 0; i < 300; i++) {
                flooder.send("<iq type='get' id='flood-" + i + "' to='" + GATEWAY + "'><req xmlns='urn:xmpp:iot:sensordata' seqnr='" + i
                        + "' momentary='true'/></iq>");
            }
            // A ping of the flooder's own server marks the end: the gateway's answers, sent before it, are in.
            Await.until("the flood to be judged", () -> gateway.health().counters().strangerRepliesWithheld() > withheld);
            aReaderStillReads();
            PingManager.getInstanceFor(flooder.connection).ping(JidCreate.domainBareFrom("localhost"));
            long seconds = (System.nanoTime() - start + 999_999_999L) / 1_000_000_000L;
            long answered = flooder.answers.keySet().stream().filter(id -> id.startsWith("flood-")).count();
            assertThat(answered).as("answers to 300 requests in %d s", seconds)
                    .isPositive().isLessThanOrEqualTo(StrangerReplies.BURST + (int) seconds + 1);
            assertThat(flooder.errors).extracting(e -> e.getError().getCondition()).containsOnly(StanzaError.Condition.forbidden);
            assertThat(flooder.answers.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1)); // Never twice.
            stillOnline();
        }
    }

    @Test
    void aSeededFuzzFromAStrangerAndFromAnOwnerChangesNothingForAnyoneElse() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("hostile stanza fuzz: seed " + seed + " (replay with -Dfuzz.seed=" + seed + ")");
        try {
            fuzz("fuzzer", seed, 5_000, false);
            fuzz("owner", seed + 1, 5_000, true);
        } catch (AssertionError | Exception e) {
            throw new AssertionError("fuzz with seed " + seed + " failed (replay with -Dfuzz.seed=" + seed + "): " + e.getMessage()
                    + "\nThe server's log ends:\n" + serverLogTail(), e);
        }
    }

    private static String serverLogTail() {
        try {
            List<String> lines = java.nio.file.Files.readAllLines(prosody.server().directory().resolve("prosody.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (java.io.IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static void fuzz(String user, long seed, int count, boolean known) throws Exception {
        HostileStanzas stanzas = new HostileStanzas(seed);
        List<String> iqs = new java.util.ArrayList<>();
        long published = gateway.publisher().published();
        try (Peer peer = new Peer(user)) {
            for (int i = 0; i < count; i++) {
                peer.send(stanzas.next(i % 4 == 0 ? "gateway@localhost" : GATEWAY, user));
                if (stanzas.lastIqId != null) {
                    iqs.add(stanzas.lastIqId);
                }
                if (i % 100 == 99) {
                    // A round trip through the server every hundred stanzas: the fuzz goes as fast as the server takes it.
                    PingManager.getInstanceFor(peer.connection).ping(JidCreate.domainBareFrom("localhost"));
                    assertThat(gateway.uplink().sessions()).as("the gateway's sessions after %d stanzas of %s", i + 1, user).isEqualTo(1);
                }
            }
            if (known) {
                Await.until("an answer to each of " + user + "'s " + iqs.size() + " requests",
                        () -> iqs.stream().allMatch(id -> peer.answersTo(id) >= 1));
            }
            stillOnline();
            assertThat(iqs).as("requests answered more than once").allSatisfy(id -> assertThat(peer.answersTo(id)).isLessThanOrEqualTo(1));
            System.out.printf("fuzz %s: %d stanzas, %d IQ requests, %d answered%n", user, count, iqs.size(), peer.answers.size());
        }
        assertThat(gateway.publisher().published()).as("published while the fuzz ran").isGreaterThan(published);
        // Publishing kept up: what was stored by the end of the fuzz reaches the server, none of it refused.
        long stored = gateway.storeWriter().stored();
        Await.until("everything stored during the fuzz to be published", () -> gateway.publisher().published() >= stored);
        assertThat(gateway.publisher().failed()).isZero();
        aReaderStillReads();
        anOwnerIsStillAnswered();
    }

    /** An owner's read-out and chat status are answered on the gateway's first session. */
    private static void anOwnerIsStillAnswered() throws Exception {
        try (org.xmppiot.gateway.testing.ChatClient owner = new org.xmppiot.gateway.testing.ChatClient(prosody, dir, "owner")) {
            SensorDataFields read = owner.readOut(new SensorDataRequest(78, List.of("boiler"), List.of(), Set.of(), false, null, null, null));
            assertThat(read.readings()).isNotEmpty().allSatisfy(r -> assertThat(r.field("temperature")).isNotNull());
            assertThat(owner.say("status")).startsWith("Connected as gateway@localhost/gateway.");
        }
        assertThat(gateway.uplink().sessions()).isEqualTo(1);
    }
}
