package org.xmppiot.gateway.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.MessageWithBodiesFilter;
import org.jivesoftware.smack.filter.StanzaExtensionFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.xmppiot.gateway.config.GatewayConfig;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.iotdata.SensorDataFields;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.testing.ProsodyExtension;

/** Event subscriptions against a real Prosody: exactly the readings the conditions select, and no others. */
class ObserveTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway")
            .withAccount("gateway").withAccount("reader").withAccount("stranger");

    private static final DriverRegistry DRIVERS = DriverRegistry.fromClassPath();

    @TempDir
    Path dir;

    /** An event as the observer received it: its subscription number and the reading. */
    private record Event(long seqnr, Reading reading) {
    }

    private GatewayConfig config() throws Exception {
        return config("observe/", "");
    }

    /** The boiler on nodes under {@code nodePrefix}, with {@code morePubSub} (a line of the pubsub section). */
    private GatewayConfig config(String nodePrefix, String morePubSub) throws Exception {
        return GatewayConfigLoader.load(prosody.writeConfig(dir, "gateway", """
                    node-prefix: %s
                    %s
                access:
                  readers: [ reader@localhost ]
                observe:
                  offline-timeout: 2s
                things:
                  - id: boiler
                    driver: simulated
                    interval: 1d
                    fields:
                      - { name: temperature, unit: "°C", waveform: constant, value: 20, decimals: 1 }
                      - { name: pressure, unit: bar, waveform: constant, value: 1.5, decimals: 2 }
                      - { name: burner, type: boolean, waveform: constant, value: 0 }
                """.formatted(nodePrefix, morePubSub)), DRIVERS);
    }

    private XMPPTCPConnection connect(String user, List<Event> events) throws Exception {
        XMPPTCPConnection c = prosody.connection(dir, user);
        c.addSyncStanzaListener(s -> { // In arrival order.
            SensorDataFields f = (SensorDataFields) s.getExtension(SensorDataFields.ELEMENT, SensorDataFields.NAMESPACE);
            f.readings().forEach(r -> events.add(new Event(f.seqnr(), r)));
        }, new StanzaExtensionFilter(SensorDataFields.ELEMENT, SensorDataFields.NAMESPACE));
        c.connect().login();
        return c;
    }

    private static IQ ask(XMPPTCPConnection c, IQ request) throws Exception {
        request.setTo(JidCreate.from("gateway@localhost/gateway"));
        return c.sendIqRequestAndWaitForResponse(request);
    }

    private static ObserveRequest temperatureBy05Every10s(long seqnr) {
        return new ObserveRequest(seqnr, List.of("boiler"),
                List.of(new FieldCondition("temperature", new BigDecimal("0.5"), null, null, null), FieldCondition.sendAlong("pressure")),
                Set.of(), null, Duration.ofSeconds(10), false);
    }

    private static Reading boiler(Instant at, String temperature) {
        return new Reading("boiler", 0, at, List.of(
                Field.readout("temperature", new FieldValue.NumericValue(new BigDecimal(temperature), "°C")),
                Field.readout("pressure", new FieldValue.NumericValue(new BigDecimal("1.50"), "bar")),
                Field.readout("burner", new FieldValue.BooleanValue(false))));
    }

    @Test
    void changeBy05AndMaxInterval10sSendExactlyTheExpectedReadingsAndSurviveARestart() throws Exception {
        GatewayConfig config = config();
        List<Event> events = new CopyOnWriteArrayList<>();
        XMPPTCPConnection reader = connect("reader", events);
        Instant base;
        try (Gateway gateway = new Gateway(config, DRIVERS)) {
            gateway.start();
            assertThat(gateway.uplink().awaitReady(Await.GENEROUS)).isNotNull();
            await("the boiler's first reading", () -> gateway.bus().latest().latest("boiler") != null);

            IQ answer = ask(reader, new EventSubscribe(temperatureBy05Every10s(7)));
            assertThat(answer.getChildElementName()).isEqualTo("accepted");
            base = Instant.now();
            // Second by second; the temperature starts from 20.0, the value when the subscription was made.
            String[] script = {"20.2", "20.4", "20.6", "20.2", "20.1", "20.3", "20.0", "20.4", "19.8", "20.5",
                "19.7", "20.2", "20.5", "19.9", "20.2", "20.6", "19.7", "19.7"};
            for (int second = 1; second <= script.length; second++) {
                gateway.bus().publish(boiler(base.plusSeconds(second), script[second - 1]));
            }
            // A last big move marks the end of the script: what came before its event is all the script caused.
            gateway.bus().publish(boiler(base.plusSeconds(script.length + 1), "25.0"));
            await("the event of the last move", () -> events.stream().anyMatch(e -> e.reading().field("temperature").value().equals(temp("25.0"))));
            // 20.6 (moved 0.6), 20.1 (moved 0.5), 20.2 (10 s without an event), 19.7 (moved 0.5), then the last move.
            assertThat(events).extracting(e -> e.reading().timestamp()).containsExactly(base.plusSeconds(3), base.plusSeconds(5),
                    base.plusSeconds(15), base.plusSeconds(17), base.plusSeconds(script.length + 1));
            assertThat(events).extracting(e -> e.reading().field("temperature").value())
                    .containsExactly(temp("20.6"), temp("20.1"), temp("20.2"), temp("19.7"), temp("25.0"));
            assertThat(events).allSatisfy(e -> {
                assertThat(e.seqnr()).isEqualTo(7);
                // Only the fields asked for: the trigger and the one sent along.
                assertThat(e.reading().fields()).extracting(Field::name).containsExactly("temperature", "pressure");
            });
        }

        // The subscription is kept in the store: a new gateway on the same store still serves it.
        events.clear();
        try (Gateway gateway = new Gateway(config, DRIVERS)) {
            gateway.start();
            assertThat(gateway.observe().observations()).isEqualTo(1);
            assertThat(gateway.uplink().awaitReady(Await.GENEROUS)).isNotNull();
            gateway.bus().publish(boiler(base.plusSeconds(60), "25.0"));
            await("the event after the restart", () -> events.stream().anyMatch(e -> e.reading().timestamp().equals(base.plusSeconds(60))));

            IQ done = ask(reader, new EventUnsubscribe(7));
            assertThat(done.getType()).isEqualTo(IQ.Type.result);
            assertThat(gateway.observe().observations()).isZero();
            events.clear();
            gateway.bus().publish(boiler(base.plusSeconds(70), "30.0"));
            // Another subscription's event marks the end: the ended one sent nothing before it.
            assertThat(ask(reader, new EventSubscribe(temperatureBy05Every10s(8))).getChildElementName()).isEqualTo("accepted");
            gateway.bus().publish(boiler(base.plusSeconds(80), "35.0"));
            await("the new subscription's event", () -> events.stream().anyMatch(e -> e.reading().field("temperature").value().equals(temp("35.0"))));
            assertThat(events).allSatisfy(e -> assertThat(e.seqnr()).isEqualTo(8));
        } finally {
            reader.disconnect();
        }
    }

    @Test
    void readingsStillOnTheirWayToTheObserversWhenASubscriptionIsMadeAreNoNewsToIt() throws Exception {
        // Readings reach the observers in batches at most every item-interval, so one taken before a subscription may
        // still wait in a batch when the subscription is made. Every reading is an event to this one, but not that.
        GatewayConfig config = config("observe-batched/", "item-interval: 5s");
        List<Event> events = new CopyOnWriteArrayList<>();
        XMPPTCPConnection reader = connect("reader", events);
        try (Gateway gateway = new Gateway(config, DRIVERS)) {
            gateway.start();
            assertThat(gateway.uplink().awaitReady(Await.GENEROUS)).isNotNull();
            // An observation already there: with none, readings are not even queued for the observers.
            assertThat(ask(reader, new EventSubscribe(temperatureBy05Every10s(3))).getChildElementName()).isEqualTo("accepted");
            Instant base = Instant.now();
            long before = observersGot(gateway);
            gateway.bus().publish(boiler(base, "21.0"));
            await("the observers' thread to take a batch", () -> observersGot(gateway) > before);
            gateway.bus().publish(boiler(base.plusMillis(1), "21.5")); // Waits for the next batch, 5 s after that one.
            ObserveRequest everyReading = new ObserveRequest(4, List.of("boiler"), List.of(), Set.of(), null, null, false);
            assertThat(ask(reader, new EventSubscribe(everyReading)).getChildElementName()).isEqualTo("accepted");
            gateway.bus().publish(boiler(base.plusMillis(2), "22.0"));
            await("the event of the reading after the subscription", () -> events.stream().anyMatch(e -> e.seqnr() == 4));
            assertThat(events).filteredOn(e -> e.seqnr() == 4).extracting(e -> e.reading().field("temperature").value())
                    .containsExactly(temp("22.0"));
        } finally {
            reader.disconnect();
        }
    }

    @Test
    void strangersUnknownThingsAndBadRequestsGetTheRightErrors() throws Exception {
        try (Gateway gateway = new Gateway(config(), DRIVERS)) {
            gateway.start();
            assertThat(gateway.uplink().awaitReady(Await.GENEROUS)).isNotNull();
            XMPPTCPConnection stranger = connect("stranger", new CopyOnWriteArrayList<>());
            XMPPTCPConnection reader = connect("reader", new CopyOnWriteArrayList<>());
            try {
                assertThat(refusal(stranger, new EventSubscribe(temperatureBy05Every10s(1))).getCondition())
                        .isEqualTo(StanzaError.Condition.forbidden);
                StanzaError unknown = refusal(reader, new EventSubscribe(new ObserveRequest(2, List.of("attic"), List.of(), Set.of(),
                        null, null, false)));
                assertThat(unknown.getCondition()).isEqualTo(StanzaError.Condition.item_not_found);
                assertThat(unknown.toXML().toString()).contains("attic");
                StanzaError bad = refusal(reader, new EventSubscribe(new ObserveRequest(3, List.of("boiler"), List.of(), Set.of(),
                        Duration.ofMinutes(5), Duration.ofMinutes(1), false)));
                assertThat(bad.getCondition()).isEqualTo(StanzaError.Condition.bad_request);
                assertThat(bad.toXML().toString()).contains("minInterval PT5M is longer than maxInterval PT1M");
                assertThat(gateway.observe().observations()).isZero();
            } finally {
                stranger.disconnect();
                reader.disconnect();
            }
        }
    }

    @Test
    void aSubscriptionEndsWhenItsObserverStaysOfflineLongerThanConfigured() throws Exception {
        try (Gateway gateway = new Gateway(config(), DRIVERS)) {
            gateway.start();
            assertThat(gateway.uplink().awaitReady(Await.GENEROUS)).isNotNull();
            List<Event> events = new CopyOnWriteArrayList<>();
            XMPPTCPConnection reader = connect("reader", events);
            Roster roster = Roster.getInstanceFor(reader);
            roster.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
            roster.createItemAndRequestSubscription(JidCreate.bareFrom("gateway@localhost"), "gateway", null);
            await("presence subscriptions both ways", () -> {
                var entry = roster.getEntry(JidCreate.bareFromOrThrowUnchecked("gateway@localhost"));
                return entry != null && entry.canSeeHisPresence() && entry.canSeeMyPresence();
            });
            IQ answer = ask(reader, new EventSubscribe(new ObserveRequest(9, List.of("boiler"), List.of(), Set.of(),
                    null, null, true)));
            assertThat(answer.getChildElementName()).isEqualTo("accepted");
            // req='true': the current values at once, every field, the thing's status too.
            await("the current values", () -> events.size() == 1);
            assertThat(events.get(0).reading().fields()).extracting(Field::name).containsExactlyInAnyOrder("status", "temperature", "pressure", "burner");
            assertThat(gateway.observe().observations()).isEqualTo(1);

            reader.disconnect();
            await("the subscription to end", () -> gateway.observe().observations() == 0);
        }
    }

    @Test
    void aChatUserObservesWithPlainMessagesAndGetsReadableLines() throws Exception {
        try (Gateway gateway = new Gateway(config(), DRIVERS)) {
            gateway.start();
            assertThat(gateway.uplink().awaitReady(Await.GENEROUS)).isNotNull();
            await("the boiler's first reading", () -> gateway.bus().latest().latest("boiler") != null);
            List<String> lines = new CopyOnWriteArrayList<>();
            XMPPTCPConnection reader = chatter("reader", lines);
            List<String> strangerLines = new CopyOnWriteArrayList<>();
            XMPPTCPConnection stranger = chatter("stranger", strangerLines);
            try {
                assertThat(say(reader, lines, "observe boiler temperature 0.5 every 10m"))
                        .isEqualTo("Observing boiler: temperature changes by 0.5, at least every 600 s. Stop with: unobserve boiler");
                gateway.bus().publish(boiler(Instant.now().plusSeconds(1), "20.3"));
                gateway.bus().publish(boiler(Instant.now().plusSeconds(2), "20.7"));
                await("the event line", () -> lines.size() == 1);
                assertThat(lines.get(0)).matches("\\S+Z boiler temperature=20.7 °C");
                lines.clear();
                assertThat(say(reader, lines, "observing")).isEqualTo("You observe:\n  boiler: temperature changes by 0.5, at least every 600 s");
                assertThat(say(reader, lines, "observe attic")).isEqualTo("Cannot observe attic: no thing 'attic' here.");
                assertThat(say(reader, lines, "observe boiler every soon")).contains("'soon' is not a time");
                assertThat(say(reader, lines, "frobnicate")).startsWith("Unknown command 'frobnicate'.").contains("observe <thing>");
                assertThat(say(reader, lines, "unobserve boiler")).isEqualTo("Stopped observing boiler.");
                assertThat(gateway.observe().observations()).isZero();
                assertThat(say(stranger, strangerLines, "observe boiler")).startsWith("Sorry, you are not allowed");
                assertThat(gateway.observe().observations()).isZero();
            } finally {
                reader.disconnect();
                stranger.disconnect();
            }
        }
    }

    private XMPPTCPConnection chatter(String user, List<String> lines) throws Exception {
        XMPPTCPConnection c = prosody.connection(dir, user, "phone");
        c.addSyncStanzaListener(s -> lines.add(((Message) s).getBody()), MessageWithBodiesFilter.INSTANCE);
        c.connect().login();
        return c;
    }

    /** Sends one chat line to the gateway and returns its answer. */
    private static String say(XMPPTCPConnection c, List<String> lines, String text) throws Exception {
        int before = lines.size();
        c.sendStanza(c.getStanzaFactory().buildMessageStanza().to(JidCreate.from("gateway@localhost/gateway"))
                .ofType(Message.Type.chat).setBody(text).build());
        await("the answer to '" + text + "'", () -> lines.size() > before);
        return lines.remove(before);
    }

    private static StanzaError refusal(XMPPTCPConnection c, IQ request) {
        XMPPException.XMPPErrorException e = assertThrows(XMPPException.XMPPErrorException.class, () -> ask(c, request));
        return e.getStanzaError();
    }

    private static long observersGot(Gateway gateway) {
        return gateway.bus().stats().stream().filter(st -> st.name().equals("observe")).mapToLong(st -> st.delivered()).sum();
    }

    private static FieldValue temp(String v) {
        return new FieldValue.NumericValue(new BigDecimal(v), "°C");
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, condition);
    }
}
