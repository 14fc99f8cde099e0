package org.xmppiot.gateway.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.xmppiot.core.bus.ReadingBus;
import org.xmppiot.core.thing.ThingRegistry;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.access.AccessPolicy;
import org.xmppiot.gateway.chat.ChatCommands;
import org.xmppiot.gateway.config.AccessConfig;
import org.xmppiot.gateway.testing.FakeSession;
import org.xmppiot.gateway.testing.Heater;

/**
 * Sharing on an in-memory session, with the chat in front as in the gateway: what owners and requesters are told, that
 * a share outlives a restart in its own file, that asking tells nothing of which things exist, and the limits that keep
 * a flood from reaching the owners. (Across two federated servers: SharingAcrossServersTest.)
 */
class SharingOnASessionTest {

    private static final String OWNER = "owner@example.org/phone";
    private static final String BOB = "bob@other.example/laptop";

    @TempDir
    Path dir;

    private final FakeSession session = new FakeSession("gateway@example.org/gateway");
    private final ReadingBus bus = new ReadingBus();
    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger applied = new AtomicInteger();
    private ThingRegistry things;
    private AccessPolicy access;
    private Heater heater;

    @BeforeEach
    void start() throws Exception {
        things = new ThingRegistry(bus);
        heater = Heater.in(things, "greenhouse");
        Heater.in(things, "shed");
        access = AccessPolicy.of(new AccessConfig(List.of("owner@example.org"), List.of(), List.of(
                new AccessConfig.ThingAccess("shed", List.of("carol@other.example"), List.of()))));
        Sharing sharing = sharing(access);
        new ChatCommands(access, bus.latest(), things, () -> "All well.", List.of(sharing)).sessionStarted(session);
        sharing.sessionStarted(session);
    }

    private Sharing sharing(AccessPolicy policy) throws Exception {
        return new Sharing(policy, dir.resolve("shares"), things::ids, applied::incrementAndGet,
                thing -> "'gateway/" + thing + "' on pubsub.example.org", now::get);
    }

    private List<String> toOwner() {
        return session.chatTo("owner@example.org");
    }

    @Test
    void anOwnerAllowsByNumberTheShareOutlivesARestartAndRevokeEndsIt() throws Exception {
        heater.reads("21.5");
        assertThat(session.ask(BOB, "read greenhouse")).isEqualTo("Sorry, you are not allowed to use this gateway. "
                + "To ask its owners for one of its things, send: request <thing>");
        assertThat(session.ask(BOB, "request greenhouse"))
                .isEqualTo("Asked the gateway's owners to let you read greenhouse; you are told here when they answer.");
        assertThat(toOwner()).containsExactly("bob@other.example asks to read greenhouse. Reply: allow 1 / deny 1");
        assertThat(session.ask(BOB, "request greenhouse")).isEqualTo("Your request to read greenhouse is with the owners already.");
        assertThat(session.ask(BOB, "allow 1")).as("only owners answer").isEqualTo("Sorry, you are not allowed to use this gateway. "
                + "To ask its owners for one of its things, send: request <thing>");

        assertThat(session.ask(OWNER, "allow 1")).isEqualTo("Allowed: bob@other.example reads greenhouse (revoke bob@other.example greenhouse ends it).");
        Await.until("the requester told", () -> session.chatTo(BOB).stream().anyMatch(m -> m.startsWith("The owners allowed you")));
        assertThat(session.chatTo(BOB)).last().isEqualTo("The owners allowed you to read greenhouse: send read greenhouse, "
                + "or subscribe to pub/sub node 'gateway/greenhouse' on pubsub.example.org.");
        assertThat(applied.get()).as("node affiliations and observers brought in line").isEqualTo(1);
        assertThat(session.ask(BOB, "read greenhouse")).contains("21.5 °C");
        assertThat(session.ask(BOB, "list")).isEqualTo("Things:\n  greenhouse: temperature");
        assertThat(session.ask(BOB, "read shed")).isEqualTo("No thing 'shed'. list shows them.");
        assertThat(session.ask(BOB, "set greenhouse setpoint 20")).isEqualTo("Only the gateway's owners may set values.");
        assertThat(session.ask(BOB, "status")).as("the status names every thing").isEqualTo("status is for the gateway's owners and readers.");
        assertThat(session.ask(OWNER, "shares")).contains("greenhouse: bob@other.example (allowed by owner@example.org, ")
                .contains("shed: carol@other.example (reads, by the configuration)");

        // A restart: a new policy from the same configuration, and the shares from their file.
        AccessPolicy restarted = AccessPolicy.of(new AccessConfig(List.of("owner@example.org"), List.of()));
        sharing(restarted);
        assertThat(restarted.mayRead(JidCreate.from(BOB), "greenhouse")).isTrue();
        assertThat(restarted.mayRead(JidCreate.from(BOB), "shed")).isFalse();
        assertThat(restarted.readersOf("greenhouse")).extracting(Object::toString).containsExactly("owner@example.org", "bob@other.example");

        assertThat(session.ask(OWNER, "revoke bob@other.example")).isEqualTo("Revoked: bob@other.example no longer reads greenhouse.");
        assertThat(access.mayRead(JidCreate.from(BOB), "greenhouse")).isFalse();
        assertThat(Files.readString(dir.resolve("shares"))).doesNotContain("bob@other.example");
        assertThat(session.ask(OWNER, "revoke carol@other.example"))
                .isEqualTo("carol@other.example reads shed by the configuration (access.things); remove them there.");
    }

    @Test
    void denyTellsTheRequesterAndAThingThatDoesNotExistIsAskedForLikeAnyOther() {
        session.ask(BOB, "request greenhouse");
        assertThat(session.ask(OWNER, "deny 1")).isEqualTo("Denied: bob@other.example does not read greenhouse.");
        assertThat(session.chatTo(BOB)).last().isEqualTo("The owners of this gateway declined your request to read greenhouse.");
        assertThat(session.ask(OWNER, "deny 1")).isEqualTo("deny <n>: no request 1 is waiting (shares lists them).");
        assertThat(session.ask(BOB, "request attic"))
                .isEqualTo("Asked the gateway's owners to let you read attic; you are told here when they answer.");
        assertThat(toOwner()).hasSize(1);
        assertThat(access.mayRead(JidCreate.fromOrThrowUnchecked(BOB), "greenhouse")).isFalse();
    }

    @Test
    void fewRequestsPerAccountAndPerDomainReachTheOwnersInAnHour() {
        for (int i = 0; i < 20; i++) {
            session.ask("user" + i + "@other.example/bot", "request " + (i % 2 == 0 ? "greenhouse" : "shed"));
        }
        assertThat(toOwner()).hasSize(RequestLimits.PER_DOMAIN);
        assertThat(session.ask("user99@other.example/bot", "request greenhouse")).isEqualTo("Too many requests just now; try again in an hour.");
        assertThat(session.ask("dave@third.example/x", "request greenhouse")).startsWith("Asked");
        session.ask("dave@third.example/x", "request shed");
        assertThat(session.ask("dave@third.example/x", "request attic")).as("%d per account", RequestLimits.PER_JID)
                .isEqualTo("Too many requests just now; try again in an hour.");
        assertThat(toOwner()).hasSize(RequestLimits.PER_DOMAIN + 2);

        now.addAndGet(RequestLimits.WINDOW.toNanos());
        assertThat(session.ask("user99@other.example/bot", "request greenhouse")).as("an hour later").startsWith("Asked");
    }
}
