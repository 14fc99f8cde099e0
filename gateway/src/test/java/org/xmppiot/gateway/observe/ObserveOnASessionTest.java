package org.xmppiot.gateway.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.xmppiot.core.bus.BusSubscription;
import org.xmppiot.core.bus.ReadingBus;
import org.xmppiot.core.thing.ThingRegistry;
import org.xmppiot.gateway.access.AccessPolicy;
import org.xmppiot.gateway.config.AccessConfig;
import org.xmppiot.gateway.config.ObserveConfig;
import org.xmppiot.gateway.iotdata.SensorDataFields;
import org.xmppiot.gateway.qos.QosSender;
import org.xmppiot.gateway.testing.FakeSession;
import org.xmppiot.gateway.testing.Heater;

/**
 * Observing on an in-memory session (and a real SQLite store of subscriptions): a reader's IoT events subscription
 * gets an event per matching reading, a stranger's is refused, an observer that goes offline gets nothing until it is
 * back (and then the current values), and chat observers get chat lines. (End to end on Prosody: ObserveTest.)
 */
class ObserveOnASessionTest {

    private static final String READER = "reader@example.org/laptop";

    @TempDir
    Path dir;

    private final FakeSession session = new FakeSession("gateway@example.org/gateway");
    private final ReadingBus bus = new ReadingBus();
    private ObservationStore store;
    private QosSender sender;
    private ObserveService observe;
    private Heater heater;
    private BusSubscription observing;
    private AccessPolicy access;

    @BeforeEach
    void start() throws Exception {
        ThingRegistry things = new ThingRegistry(bus);
        heater = Heater.in(things, "heater");
        Heater.in(things, "boiler");
        store = new ObservationStore(dir.resolve("observers.db"));
        sender = new QosSender(() -> session, Duration.ofMinutes(1));
        access = AccessPolicy.of(new AccessConfig(List.of("owner@example.org"), List.of("reader@example.org")));
        observe = new ObserveService(ObserveConfig.defaults(), access, things::ids, bus.latest(), store, sender);
        observe.sessionStarted(session);
        observing = bus.subscribe("observe", 1_000, observe);
        settle();
    }

    /** Waits until observe has taken every reading put on the bus so far (the bus hands them over on its own thread). */
    private void settle() throws InterruptedException {
        assertThat(observing.drain(Duration.ofMinutes(1))).isTrue();
    }

    @AfterEach
    void stop() {
        observe.close();
        sender.close();
        store.close();
        bus.close();
    }

    private IQ subscribe(String from, long seqnr) throws Exception {
        return subscribe(from, seqnr, List.of("heater"));
    }

    private IQ subscribe(String from, long seqnr, List<String> things) throws Exception {
        EventSubscribe request = new EventSubscribe(new ObserveRequest(seqnr, things, List.of(), Set.of(), null, null, false));
        request.setType(IQ.Type.get);
        request.setFrom(JidCreate.from(from));
        request.setTo(session.self());
        return session.deliver(request);
    }

    private List<SensorDataFields> eventsTo(String to) {
        return session.sentTo(to, Message.class).stream().map(m -> m.getExtension(SensorDataFields.class))
                .filter(f -> f != null).toList();
    }

    private void presence(String from, Presence.Type type) {
        session.deliver(session.stanzas().buildPresenceStanza().ofType(type).from(JidCreate.fromOrThrowUnchecked(from)).build());
    }

    @Test
    void aReaderHearsEachReadingUntilOfflineAndTheCurrentValueWhenBack() throws Exception {
        assertThat(subscribe(READER, 7).getChildElementName()).isEqualTo("accepted");
        assertThat(session.features()).contains(EventSubscribe.NAMESPACE);

        heater.reads("20.0");
        settle();
        assertThat(eventsTo(READER)).hasSize(1);
        assertThat(eventsTo(READER).get(0).seqnr()).isEqualTo(7);
        assertThat(eventsTo(READER).get(0).readings().get(0).field("temperature")).isNotNull();

        presence(READER, Presence.Type.unavailable);
        heater.reads("20.5");
        heater.reads("21.0");
        settle();
        assertThat(eventsTo(READER)).as("nothing while offline").hasSize(1);
        // Back: what it missed comes once, as the current value.
        presence(READER, Presence.Type.available);
        assertThat(eventsTo(READER)).hasSize(2);
        assertThat(eventsTo(READER).get(1).readings().get(0).field("temperature").value().toString()).contains("21");
    }

    @Test
    void aStrangersSubscriptionIsRefusedAndAChatObserverGetsLines() throws Exception {
        IQ refused = subscribe("mallory@elsewhere.example/x", 1);
        assertThat(refused.getError().getCondition()).isEqualTo(StanzaError.Condition.forbidden);
        assertThat(observe.observations()).isZero();

        ObserveChatVerbs chat = new ObserveChatVerbs(observe);
        assertThat(chat.run(READER, "observe", List.of("heater", "temperature", "0.5")))
                .isEqualTo("Observing heater: temperature changes by 0.5. Stop with: unobserve heater");
        heater.reads("20.0");
        settle();
        assertThat(session.chatTo(READER).get(0)).contains("temperature").contains("20.0 °C");
        assertThat(chat.run(READER, "observing", List.of())).isEqualTo("You observe:\n  heater: temperature changes by 0.5");
        assertThat(chat.run(READER, "unobserve", List.of("heater"))).isEqualTo("Stopped observing heater.");
        assertThat(observe.observations()).isZero();
    }

    @Test
    void someoneGivenOneThingObservesThatThingOnlyAndLosesItWithTheShare() throws Exception {
        String neighbour = "bob@other.example/laptop";
        access.share(List.of(new AccessPolicy.ThingRight("heater", JidCreate.bareFrom("bob@other.example"), false)));
        assertThat(subscribe(neighbour, 1).getChildElementName()).isEqualTo("accepted");
        assertThat(subscribe(neighbour, 2, List.of("boiler")).getError().getCondition())
                .as("another thing is as absent as one that does not exist").isEqualTo(StanzaError.Condition.item_not_found);
        assertThat(subscribe(neighbour, 3, List.of()).getError().getCondition())
                .as("all things: not for someone given some").isEqualTo(StanzaError.Condition.bad_request);
        heater.reads("20.0");
        settle();
        assertThat(eventsTo(neighbour)).hasSize(1);

        access.share(List.of());
        observe.accessChanged();
        assertThat(observe.observations()).isZero();
        assertThat(subscribe(neighbour, 4).getError().getCondition()).isEqualTo(StanzaError.Condition.forbidden);
    }
}
