package org.xmppiot.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.iotdata.SensorDataCancel;
import org.xmppiot.gateway.iotdata.SensorDataFields;
import org.xmppiot.gateway.iotdata.SensorDataRequest;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.testing.ProsodyExtension;
import org.xmppiot.gateway.watch.ReadingFormatter;

/**
 * XEP-0323 read-out and XEP-0325 control against a real Prosody: readers read exactly what the things
 * hold (also from a slixmpp client), owners switch outputs and the driver carries it out, strangers get
 * forbidden and nothing else.
 */
class ReadoutAndControlTest {

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
                    node-prefix: rc/
                access:
                  owners: [ owner@localhost ]
                  readers: [ reader@localhost ]
                things:
                  - id: boiler
                    driver: simulated
                    interval: 1d
                    fields:
                      - { name: temperature, unit: "°C", waveform: constant, value: 61.25, decimals: 2 }
                      - { name: burner, type: boolean, waveform: constant, value: 1 }
                      - { name: starts, type: integer, waveform: constant, value: 4711 }
                  - id: shed
                    driver: gpio
                    platform: mock
                    inputs: [ { name: door, pin: 17 } ]
                    outputs: [ { name: pump, pin: 22, safe: off } ]
                """);
        Await.until("both things' first readings", () -> gateway.bus().latest().latest("boiler") != null && gateway.bus().latest().latest("shed") != null);
    }

    /** A client of one account, collecting the XEP-0323 answers that come as messages. */
    private static final class Client implements AutoCloseable {
        final XMPPTCPConnection connection;
        final List<ExtensionElement> answers = new CopyOnWriteArrayList<>();

        Client(String user) throws Exception {
            connection = prosody.connection(dir, user, "test");
            StanzaFilter sensorData = s -> s instanceof Message && s.getExtension(SensorDataFields.NAMESPACE) != null;
            connection.addSyncStanzaListener(s -> answers.add(s.getExtension(SensorDataFields.NAMESPACE)), sensorData);
            connection.connect().login();
        }

        IQ ask(IQ request) throws Exception {
            request.setTo(JidCreate.from(GATEWAY));
            return connection.sendIqRequestAndWaitForResponse(request);
        }

        List<SensorDataFields> readOut(SensorDataRequest request, int messages) throws Exception {
            answers.clear();
            IQ accepted = ask(request);
            assertThat(accepted.getChildElementName()).isEqualTo("accepted");
            Await.until(messages + " answer message(s)", () -> answers.size() >= messages);
            List<SensorDataFields> out = new ArrayList<>();
            answers.forEach(a -> out.add((SensorDataFields) a));
            return out;
        }

        @Override
        public void close() {
            connection.disconnect();
        }
    }

    private static SensorDataRequest momentary(long seqnr, List<String> nodes, List<String> fields) {
        return new SensorDataRequest(seqnr, nodes, fields, Set.of(), false, null, null, null);
    }

    @Test
    void aReaderReadsEveryFieldOfAThingExactlyAsItHoldsIt() throws Exception {
        try (Client reader = new Client("reader")) {
            List<SensorDataFields> answer = reader.readOut(momentary(7, List.of("boiler"), List.of()), 1);
            assertThat(answer).hasSize(1);
            assertThat(answer.get(0).seqnr()).isEqualTo(7);
            assertThat(answer.get(0).done()).isTrue();
            Reading held = gateway.bus().latest().latest("boiler");
            Reading read = answer.get(0).readings().get(0);
            assertThat(read.timestamp()).isEqualTo(held.timestamp());
            assertThat(read.fields()).isEqualTo(held.fields());
            assertThat(read.field("starts").value()).isEqualTo(new FieldValue.IntegerValue(4711));

            // All things: one message each, the last one done.
            List<SensorDataFields> all = reader.readOut(momentary(8, List.of(), List.of()), 2);
            assertThat(all).extracting(f -> f.readings().get(0).thingId()).containsExactly("boiler", "shed");
            assertThat(all).extracting(SensorDataFields::done).containsExactly(false, true);

            // Only the fields asked for.
            List<SensorDataFields> one = reader.readOut(momentary(9, List.of("boiler"), List.of("temperature")), 1);
            assertThat(one.get(0).readings().get(0).fields()).extracting(Field::name).containsExactly("temperature");

            // Historical values come from the store, as soon as it has them: their commit may wait (while the server
            // confirms every item, up to store.confirmed-commit-interval).
            Await.until("the store to hold the boiler's reading", () -> gateway.storeWriter().taken() >= 2);
            List<SensorDataFields> history = reader.readOut(new SensorDataRequest(10, List.of("boiler"), List.of(), Set.of(), true,
                    Instant.now().minusSeconds(3600), Instant.now(), null), 1);
            // The stored reading as the driver made it; the status comes apart, as its own reading.
            List<Field> measured = held.fields().stream().filter(f -> f.category() != org.xmppiot.core.model.Category.STATUS).toList();
            assertThat(history.get(0).readings()).extracting(Reading::fields).contains(measured);

            StanzaError unknown = refusal(reader, momentary(11, List.of("attic"), List.of()));
            assertThat(unknown.getCondition()).isEqualTo(StanzaError.Condition.item_not_found);
        }
    }

    @Test
    void anOwnerSwitchesAnOutputAndTheDriverCarriesItOut() throws Exception {
        try (Client owner = new Client("owner"); Client reader = new Client("reader")) {
            assertThat(gateway.bus().latest().field("shed", "pump").orElseThrow().field().value()).isEqualTo(new FieldValue.BooleanValue(false));
            IQ done = owner.ask(set("shed", "boolean", "pump", true));
            assertThat(done.getType()).isEqualTo(IQ.Type.result);
            assertThat(done.getChildElementName()).isEqualTo(ControlSet.RESPONSE);
            // The driver reports its output's new state.
            Await.until("the pump on", () -> gateway.bus().latest().field("shed", "pump").orElseThrow()
                    .field().value().equals(new FieldValue.BooleanValue(true)));

            assertThat(refusal(owner, set("shed", "boolean", "heater", true)).getCondition()).isEqualTo(StanzaError.Condition.item_not_found);
            StanzaError readOnly = refusal(owner, set("shed", "boolean", "door", true));
            assertThat(readOnly.getCondition()).isEqualTo(StanzaError.Condition.not_allowed);
            assertThat(readOnly.toXML().toString()).contains("paramError").contains("var='door'");
            assertThat(refusal(reader, set("shed", "boolean", "pump", false)).getCondition()).isEqualTo(StanzaError.Condition.forbidden);
            assertThat(gateway.bus().latest().field("shed", "pump").orElseThrow().field().value()).isEqualTo(new FieldValue.BooleanValue(true));
            owner.ask(set("shed", "boolean", "pump", false));
        }
    }

    @Test
    void aCancelIsAnsweredWithCancelledForItsSequenceNumberAndRefusedToStrangers() throws Exception {
        try (Client reader = new Client("reader"); Client stranger = new Client("stranger")) {
            IQ cancelled = reader.ask(new SensorDataCancel(SensorDataCancel.ELEMENT, 12));
            assertThat(cancelled.getType()).isEqualTo(IQ.Type.result);
            assertThat(cancelled.getChildElementName()).isEqualTo(SensorDataCancel.ANSWER);
            assertThat(cancelled.getChildElementNamespace()).isEqualTo(SensorDataFields.NAMESPACE);
            assertThat(((org.jivesoftware.smack.packet.UnparsedIQ) cancelled).getContent().toString()).contains("seqnr='12'");
            assertThat(refusal(stranger, new SensorDataCancel(SensorDataCancel.ELEMENT, 13)).getCondition())
                    .isEqualTo(StanzaError.Condition.forbidden);
        }
    }

    @Test
    void aStrangerIsForbiddenAndLearnsNothing() throws Exception {
        try (Client stranger = new Client("stranger")) {
            assertThat(refusal(stranger, momentary(1, List.of("boiler"), List.of())).getCondition()).isEqualTo(StanzaError.Condition.forbidden);
            // Not even whether a thing exists.
            assertThat(refusal(stranger, momentary(2, List.of("no-such-thing"), List.of())).getCondition())
                    .isEqualTo(StanzaError.Condition.forbidden);
            assertThat(refusal(stranger, set("shed", "boolean", "pump", true)).getCondition()).isEqualTo(StanzaError.Condition.forbidden);
            // The gateway sends read-out data before its IQ answer; a message the stranger sends itself now comes after
            // anything the gateway sent, so it marks the end: nothing came before it.
            stranger.connection.sendStanza(stranger.connection.getStanzaFactory().buildMessageStanza().to(stranger.connection.getUser())
                    .addExtension(new SensorDataFields(999, true, List.of())).build());
            Await.until("the stranger's own marker", () -> !stranger.answers.isEmpty());
            assertThat(stranger.answers).extracting(a -> ((SensorDataFields) a).seqnr()).containsExactly(999L);
        }
    }

    @Test
    void aSlixmppClientReadsTheSameValues() throws Exception {
        Path script = Path.of("..", "docs", "examples", "readout.py").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", script.toString(), "reader@localhost", GATEWAY, "boiler")
                .redirectError(dir.resolve("readout.err").toFile());
        pb.environment().put("XMPP_PASSWORD", prosody.password("reader"));
        pb.environment().put("XMPP_SERVER", "127.0.0.1:" + prosody.port());
        pb.environment().put("XMPP_PLAIN", "1");
        Process python = pb.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8))) {
            out.lines().forEach(lines::add);
        } finally {
            if (!python.waitFor(30, TimeUnit.SECONDS)) {
                python.destroyForcibly();
            }
        }
        String err = Files.readString(dir.resolve("readout.err"));
        // slixmpp's plugin knows numeric, boolean, string, dateTime, timeSpan and enum; not int and long (added to the XEP later).
        assertThat(lines).as(err).containsExactly("boiler temperature 61.25 °C", "boiler burner true ", "done");
        assertThat(ReadingFormatter.format(gateway.bus().latest().latest("boiler"))).contains("temperature=61.25 °C burner=true");
    }

    @Test
    void chatCommandsAnswerInOneMessageEach() throws Exception {
        try (Client owner = new Client("owner"); Client reader = new Client("reader")) {
            List<String> ownerLines = bodies(owner);
            List<String> readerLines = bodies(reader);
            assertThat(say(reader, readerLines, "list")).isEqualTo("Things:\n  boiler: temperature, burner, starts\n  shed: pump, door");
            assertThat(say(reader, readerLines, "read boiler")).matches("\\S+Z boiler temperature=61.25 °C burner=true starts=4711");
            assertThat(say(reader, readerLines, "read attic")).isEqualTo("No thing 'attic'. list shows them.");
            assertThat(say(reader, readerLines, "set shed pump on")).isEqualTo("Only the gateway's owners may set values.");
            assertThat(say(owner, ownerLines, "set shed pump on")).isEqualTo("Done: shed pump = on.");
            Await.until("the pump on", () -> gateway.bus().latest().field("shed", "pump").orElseThrow()
                    .field().value().equals(new FieldValue.BooleanValue(true)));
            assertThat(say(owner, ownerLines, "set shed door on")).startsWith("Not done: 'door' of shed can only be read");
            assertThat(say(owner, ownerLines, "set shed pump off")).isEqualTo("Done: shed pump = off.");
            String status = say(reader, readerLines, "status");
            assertThat(status).startsWith("Connected as gateway@localhost/gateway.").contains("Things: 2").contains("Published: ");
            // One answer per command, nothing more: a line the reader sends itself comes after any further answer.
            reader.connection.sendStanza(reader.connection.getStanzaFactory().buildMessageStanza().to(reader.connection.getUser())
                    .ofType(Message.Type.chat).setBody("marker").build());
            Await.until("the reader's own marker", () -> readerLines.contains("marker"));
            assertThat(readerLines).containsExactly("marker");
        }
    }

    @Test
    void discoListsTheThingsToReadersOnlyAndTheFeaturesWeImplement() throws Exception {
        try (Client reader = new Client("reader"); Client stranger = new Client("stranger")) {
            var readerDisco = org.jivesoftware.smackx.disco.ServiceDiscoveryManager.getInstanceFor(reader.connection);
            var items = readerDisco.discoverItems(JidCreate.from(GATEWAY));
            assertThat(items.getItems()).extracting(i -> i.getNode()).containsExactly("boiler", "shed");
            assertThat(items.getItems()).extracting(i -> i.getName()).containsExactly("boiler (online)", "shed (online)");
            var info = readerDisco.discoverInfo(JidCreate.from(GATEWAY));
            assertThat(info.getFeatures()).extracting(f -> f.getVar()).contains("urn:xmpp:iot:sensordata", "urn:xmpp:iot:control",
                    "urn:xmpp:iot:events", "jabber:iq:version", "urn:xmpp:ping");
            var strangerItems = org.jivesoftware.smackx.disco.ServiceDiscoveryManager.getInstanceFor(stranger.connection)
                    .discoverItems(JidCreate.from(GATEWAY));
            assertThat(strangerItems.getItems()).isEmpty();
            var version = org.jivesoftware.smackx.iqversion.VersionManager.getInstanceFor(reader.connection)
                    .getVersion(JidCreate.entityFullFrom(GATEWAY));
            assertThat(version.getName()).isEqualTo("xmpp-iot-gateway");
            assertThat(org.jivesoftware.smackx.ping.PingManager.getInstanceFor(reader.connection).ping(JidCreate.entityFullFrom(GATEWAY))).isTrue();
        }
    }

    private static List<String> bodies(Client c) {
        List<String> lines = new CopyOnWriteArrayList<>();
        c.connection.addSyncStanzaListener(s -> lines.add(((Message) s).getBody()),
                s -> s instanceof Message && ((Message) s).getBody() != null);
        return lines;
    }

    private static String say(Client c, List<String> lines, String text) throws Exception {
        c.connection.sendStanza(c.connection.getStanzaFactory().buildMessageStanza().to(JidCreate.from(GATEWAY))
                .ofType(Message.Type.chat).setBody(text).build());
        Await.until("the answer to '" + text + "'", () -> !lines.isEmpty());
        return lines.remove(0);
    }

    private static ControlSet set(String thing, String type, String name, Object value) {
        ControlSetProvider parse = new ControlSetProvider();
        try {
            var parser = org.jivesoftware.smack.util.PacketParserUtils.getParserFor("<set xmlns='urn:xmpp:iot:control'><node nodeId='"
                    + thing + "'/><" + type + " name='" + name + "' value='" + value + "'/></set>");
            return parse.parse(parser, parser.getDepth(), null, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static StanzaError refusal(Client c, IQ request) {
        XMPPException.XMPPErrorException e = assertThrows(XMPPException.XMPPErrorException.class, () -> c.ask(request));
        return e.getStanzaError();
    }
}
