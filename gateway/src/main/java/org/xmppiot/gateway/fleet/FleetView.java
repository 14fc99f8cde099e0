package org.xmppiot.gateway.fleet;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.pep.PepManager;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

import org.xmppiot.gateway.config.XmppConfig;
import org.xmppiot.gateway.xmpp.XmppConnectionFactory;

/**
 * What an owner sees of their gateways: every contact of the owner's account that publishes a {@link StatusBeacon},
 * with its presence (online now or not) and its last status, marked stale when older than a limit. Gathered from
 * the owner's presence subscriptions: PEP hands over each gateway's last status when the owner comes online.
 */
public final class FleetView {

    /** One gateway as seen: its account, whether it is online now, and its last status (null when none came). */
    public record Gateway(String jid, boolean online, StandardExtensionElement status) {

        /** When the status was published, or null. */
        public Instant time() {
            try {
                return status == null ? null : Instant.parse(status.getAttributeValue("time"));
            } catch (DateTimeParseException | NullPointerException e) {
                return null;
            }
        }

        /** "3 things: 2 online, 1 offline (bench: offline (device-missing): device gone)". */
        public String things() {
            if (status == null) {
                return "no status received";
            }
            List<StandardExtensionElement> things = status.getElements("thing", StatusBeacon.NODE);
            Map<String, Integer> byState = new TreeMap<>();
            List<String> notOnline = new ArrayList<>();
            for (StandardExtensionElement t : things) {
                String state = t.getAttributeValue("state");
                byState.merge(state, 1, Integer::sum);
                if (!"online".equals(state)) {
                    String reason = t.getAttributeValue("reason");
                    String detail = t.getAttributeValue("detail");
                    notOnline.add(t.getAttributeValue("id") + ": " + state + (detail == null || detail.equals(state) ? "" : " (" + detail + ")")
                            + (reason == null ? "" : ": " + reason));
                }
            }
            for (StandardExtensionElement bridge : status.getElements("bridge", StatusBeacon.NODE)) {
                if (!"online".equals(bridge.getAttributeValue("state"))) {
                    String reason = bridge.getAttributeValue("reason");
                    notOnline.add("bridge " + bridge.getAttributeValue("id") + ": " + bridge.getAttributeValue("state")
                            + " (" + bridge.getAttributeValue("detail") + ")" + (reason == null ? "" : ": " + reason));
                }
            }
            StringBuilder b = new StringBuilder(things.size() + (things.size() == 1 ? " thing" : " things"));
            String sep = ": ";
            for (Map.Entry<String, Integer> e : byState.entrySet()) {
                b.append(sep).append(e.getValue()).append(' ').append(e.getKey());
                sep = ", ";
            }
            if (!notOnline.isEmpty()) {
                b.append(" (").append(String.join("; ", notOnline)).append(')');
            }
            b.append("; backlog ").append(status.getAttributeValue("backlog"));
            String damage = status.getAttributeValue("store-damage");
            return (damage == null ? b : b.append("; ").append(damage)).toString();
        }
    }

    private FleetView() {
    }

    private static boolean canSee(Roster roster, String jid) {
        try {
            var entry = roster.getEntry(JidCreate.bareFrom(jid));
            return entry != null && entry.canSeeHisPresence();
        } catch (org.jxmpp.stringprep.XmppStringprepException e) {
            return true; // not a JID: nothing to wait for
        }
    }

    private static void waitFor(long deadline, java.util.function.BooleanSupplier done) throws InterruptedException {
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /**
     * Connects as the owner ({@code config}, resource {@code fleet}), asks each of {@code add} for its presence
     * (gateways grant it to their owners), listens until every contact whose presence it sees has reported (at most
     * {@code time}) and returns the gateways heard, sorted by JID.
     */
    public static List<Gateway> gather(XmppConfig config, List<String> add, Duration time) throws Exception {
        StatusBeacon.register();
        Map<String, StandardExtensionElement> statuses = new ConcurrentHashMap<>();
        XMPPTCPConnection c = XmppConnectionFactory.create(config.withResource("fleet"));
        PepManager.getInstanceFor(c).addPepEventListener(StatusBeacon.NODE, StandardExtensionElement.class,
                (from, element, id, message) -> statuses.put(from.asBareJid().toString(), element));
        Roster roster = Roster.getInstanceFor(c);
        roster.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        c.connect().login();
        try {
            if (!roster.isLoaded()) {
                roster.reloadAndWait(); // which contacts to wait for comes from it
            }
            for (String jid : add) {
                BareJid gateway = JidCreate.bareFrom(jid);
                if (roster.getEntry(gateway) == null || !roster.getEntry(gateway).canSeeHisPresence()) {
                    roster.createItemAndRequestSubscription(gateway, gateway.getLocalpartOrNull() == null ? jid : gateway.getLocalpartOrThrow().toString(), null);
                }
            }
            long deadline = System.nanoTime() + time.toNanos();
            if (!add.isEmpty()) {
                // Once the subscriptions are granted, say we are here again: PEP then hands over the last statuses.
                waitFor(deadline, () -> add.stream().allMatch(j -> canSee(roster, j)));
                c.sendStanza(c.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.available).build());
            }
            // Done when every contact whose presence we see has reported, or when the time is up.
            waitFor(deadline, () -> roster.getEntries().stream().filter(e -> e.canSeeHisPresence())
                    .allMatch(e -> statuses.containsKey(e.getJid().toString())));
            List<Gateway> out = new ArrayList<>();
            for (Map.Entry<String, StandardExtensionElement> e : new TreeMap<>(statuses).entrySet()) {
                BareJid jid = JidCreate.bareFrom(e.getKey());
                out.add(new Gateway(e.getKey(), roster.getPresence(jid).isAvailable(), e.getValue()));
            }
            return out;
        } finally {
            c.disconnect();
        }
    }
}
