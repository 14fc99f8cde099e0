package org.xmppiot.gateway.health;

import org.xmppiot.core.thing.Bridge;

/** The few lines for people that chat {@code status} and the ad-hoc status command answer. */
public final class HealthText {

    private HealthText() {
    }

    public static String of(Health h) {
        Health.Connection c = h.connection();
        StringBuilder b = new StringBuilder(c.connected() ? "Connected as " + c.jid() + "."
                : "Not connected" + (c.lastFailure() == null ? "." : ": " + c.lastFailure()));
        long found = h.things().stream().filter(Health.ThingHealth::discovered).count();
        long online = h.things().stream().filter(t -> t.status().isOnline()).count();
        b.append("\nThings: ").append(h.things().size()).append(found == 0 ? "" : " (" + found + " found on the network)")
                .append(", ").append(online).append(" online");
        for (Health.ThingHealth t : h.things()) {
            b.append("\n  ").append(t.id()).append(": ").append(t.status());
        }
        if (!h.bridges().isEmpty()) {
            b.append("\nBridges:");
            for (Bridge bridge : h.bridges()) {
                b.append("\n  ").append(bridge.id()).append(": ").append(bridge.status())
                        .append(bridge.status().isOnline() ? "" : " (" + bridge.status().detail().label() + ")");
            }
        }
        Health.Publishing p = h.publishing();
        Health.Store s = h.store();
        if (p.waits() != null) {
            b.append("\nPublishing waits: ").append(p.waits());
        } else if (p.fallback() != null) {
            b.append("\nPublishing to the PEP nodes of ").append(c.jid().replaceFirst("/.*$", "")).append(" instead: ").append(p.fallback());
        }
        b.append("\nPublished: ").append(p.published()).append(" readings; waiting: ")
                .append(s.error() == null ? Long.toString(s.unsent()) : "unknown (" + s.error() + ")")
                .append("; refused by the server: ").append(p.refused()).append("; sent late: ").append(p.lateItems()).append(" items");
        b.append("\nStore: ").append(s.stored()).append(" stored, ").append(s.droppedUnsent()).append(" unsent dropped by its limits, ")
                .append(s.lostDiskFull()).append(" lost to a full disk, ").append(s.lost()).append(" lost to write errors");
        if (s.damage() != null) {
            b.append("\n").append(s.damage());
        }
        Health.Counters n = h.counters();
        b.append("\nBus: ").append(n.busDrops()).append(" readings dropped by full queues");
        b.append("\nUnreadable stanzas dropped: ").append(n.unreadableStanzas()).append("; requests nobody handles: ")
                .append(n.unhandledRequests()).append("; replies to strangers withheld: ").append(n.strangerRepliesWithheld());
        b.append("\nObservers: ").append(n.observers()).append(" subscriptions");
        if (h.update() != null) {
            b.append("\nLast update: ").append(h.update().text());
        }
        if (h.page() != null) {
            b.append("\nPage: ").append(h.page());
        }
        return b.toString();
    }
}
