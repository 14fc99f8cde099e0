package org.xmppiot.gateway.health;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.core.thing.Bridge;

/**
 * How the gateway is doing at one moment: built in one place ({@code Gateway.health()}) and rendered by every view,
 * so chat and ad-hoc {@code status}, the page, the JSON API, /metrics and the fleet beacon never disagree and none of
 * them reaches into the running parts. Bridges are the shared buses things are reached through (a Modbus bus), with
 * their own status. {@code page} says where the local page is served and, over HTTPS, its certificate's fingerprint
 * (null when there is no page). {@code update} is how the last update of the package went (null when there was none).
 */
public record Health(Instant at, String version, Instant started, Connection connection, Publishing publishing, Store store,
                     Counters counters, List<ThingHealth> things, List<Bridge> bridges, String page, Update update) {

    public Health {
        things = List.copyOf(things);
        bridges = List.copyOf(bridges);
    }

    /**
     * The XMPP session: who we are, where we connect, since when, and the last failure in a sentence; the owner's invite
     * while the gateway has no owner (null otherwise).
     */
    public record Connection(String jid, String servers, String tls, String connectedTo, Instant since, long sessions,
                             long resumptions, String lastFailure, String ownerInvite) {
        public boolean connected() {
            return since != null;
        }

        /** Sessions set up after the first; resumed ones are not counted. */
        public long reconnects() {
            return Math.max(0, sessions - 1);
        }
    }

    /**
     * Pub/sub publishing: readings confirmed, refused, items sent late; why publishing waits (null while it does not),
     * and why it goes to the account's own PEP nodes instead of the configured service (null when it does not).
     */
    public record Publishing(long published, long refused, long lateItems, String waits, String fallback) {
    }

    /**
     * The store: its file and size, readings waiting to be published (and since when), committed, dropped by its limits,
     * lost to a full disk and to other write errors; {@code error} says why size and backlog are unknown (null when they are
     * known, as -1 otherwise); {@code damage} tells of a damaged store moved aside (null when none).
     */
    public record Store(String path, long bytes, long unsent, Instant oldestUnsent, long stored, long droppedUnsent, long lost,
                        long lostDiskFull, String error, String damage) {
    }

    /** What was taken, dropped, refused or withheld on the way, and how many observe subscriptions are held. */
    public record Counters(long taken, long busDrops, long unreadableStanzas, long unhandledRequests, long strangerRepliesWithheld,
                           long observers) {
    }

    /** One thing: its status since when, whether it was found on the network, and the input its driver could not use, by kind. */
    public record ThingHealth(String id, String name, ThingStatus status, Instant since, boolean discovered, Map<String, Long> rejected) {
        public ThingHealth {
            rejected = Map.copyOf(rejected);
        }
    }

    /**
     * The last update of the gateway's package, as its update helper reported it: {@code id} names the attempt from
     * version {@code from} to {@code to}, {@code outcome} is one of {@code updating}, {@code updated}, {@code rolled-back}
     * (back on {@code from}), {@code failed} (nothing installed), and {@code text} says it for people ("Rolled back from
     * 0.3.0 to 0.2.0: ...").
     */
    public record Update(String id, String outcome, String from, String to, String text) {
        public boolean finished() {
            return !"updating".equals(outcome);
        }
    }

    public Optional<ThingHealth> thing(String id) {
        return things.stream().filter(t -> t.id().equals(id)).findFirst();
    }
}
