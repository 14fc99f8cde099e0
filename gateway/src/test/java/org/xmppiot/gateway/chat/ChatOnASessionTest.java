package org.xmppiot.gateway.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xmppiot.core.bus.ReadingBus;
import org.xmppiot.core.thing.ThingRegistry;
import org.xmppiot.gateway.access.AccessPolicy;
import org.xmppiot.gateway.config.AccessConfig;
import org.xmppiot.gateway.feature.ChatVerbs;
import org.xmppiot.gateway.testing.FakeSession;
import org.xmppiot.gateway.testing.Heater;

/**
 * The chat on an in-memory session: who gets which answer, what reading, setting and help say, and that verbs other
 * features contribute are answered and listed. (End to end on Prosody: ThingStatusTest, AccessPolicyTest, ObserveTest.)
 */
class ChatOnASessionTest {

    private static final String OWNER = "owner@example.org/phone";
    private static final String READER = "reader@example.org/laptop";
    private static final String STRANGER = "mallory@elsewhere.example/x";

    private final FakeSession session = new FakeSession("gateway@example.org/gateway");
    private final ReadingBus bus = new ReadingBus();
    private Heater heater;

    /** A verb another feature adds: it answers with who asked and what. */
    private static final ChatVerbs ECHO = new ChatVerbs() {
        @Override
        public Set<String> verbs() {
            return Set.of("echo");
        }

        @Override
        public List<String> help() {
            return List.of("  echo <words>        say them back");
        }

        @Override
        public String run(String from, String verb, List<String> args) {
            return from + " said " + String.join(" ", args);
        }
    };

    @BeforeEach
    void start() throws Exception {
        ThingRegistry things = new ThingRegistry(bus);
        heater = Heater.in(things, "heater");
        AccessPolicy access = AccessPolicy.of(new AccessConfig(List.of("owner@example.org"), List.of("reader@example.org")));
        new ChatCommands(access, bus.latest(), things, () -> "All well.", List.of(ECHO)).sessionStarted(session);
    }

    @Test
    void aStrangerIsToldItIsNotAllowedAndLearnsNothing() {
        heater.reads("21.5");
        for (String line : List.of("list", "read heater", "set heater setpoint 20", "status", "echo hi")) {
            assertThat(session.ask(STRANGER, line)).isEqualTo("Sorry, you are not allowed to use this gateway. Ask its owner to add you as a reader.");
        }
        assertThat(heater.done()).isEmpty();
    }

    @Test
    void aReaderListsAndReadsButDoesNotSet() {
        heater.reads("21.5");
        assertThat(session.ask(READER, "list")).isEqualTo("Things:\n  heater: temperature");
        assertThat(session.ask(READER, "read heater")).contains("temperature").contains("21.5 °C");
        assertThat(session.ask(READER, "read attic")).isEqualTo("No thing 'attic'. list shows them.");
        assertThat(session.ask(READER, "set heater setpoint 20")).isEqualTo("Only the gateway's owners may set values.");
        assertThat(session.ask(READER, "status")).isEqualTo("All well.");
        assertThat(heater.done()).isEmpty();
    }

    @Test
    void anOwnerSetsWithinTheRangeAndContributedVerbsAreAnsweredAndListed() {
        assertThat(session.ask(OWNER, "set heater setpoint 20")).isEqualTo("Done: heater setpoint = 20.");
        assertThat(session.ask(OWNER, "set heater setpoint 99")).startsWith("Not done: ").contains("5").contains("30");
        assertThat(heater.done()).singleElement().satisfies(c -> assertThat(c.origin()).isEqualTo(OWNER));
        assertThat(session.ask(OWNER, "echo hello there")).isEqualTo(OWNER + " said hello there");
        assertThat(session.ask(OWNER, "help")).contains("  read <thing>").contains("  echo <words>        say them back").endsWith("this text");
        assertThat(session.ask(OWNER, "frobnicate")).startsWith("Unknown command 'frobnicate'.\nCommands:");
    }
}
