package org.xmppiot.gateway.fleet;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jivesoftware.smack.packet.StandardExtensionElement;

import org.xmppiot.gateway.config.XmppConfig;

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

    /**
     * Connects as the owner ({@code config}, resource {@code fleet}), asks each of {@code add} for its presence
     * (gateways grant it to their owners), listens until every contact whose presence it sees has reported (at most
     * {@code time}) and returns the gateways heard, sorted by JID.
     */
    public static List<Gateway> gather(XmppConfig config, List<String> add, Duration time) throws Exception {
        try (FleetSession fleet = FleetSession.open(config, "fleet")) {
            long deadline = System.nanoTime() + time.toNanos();
            fleet.follow(add, deadline);
            // Done when every contact whose presence we see has reported, or when the time is up.
            FleetSession.waitFor(deadline, () -> fleet.contacts().stream().allMatch(j -> fleet.status(j) != null));
            List<Gateway> out = new ArrayList<>();
            for (Map.Entry<String, StandardExtensionElement> e : new TreeMap<>(fleet.statuses()).entrySet()) {
                out.add(new Gateway(e.getKey(), fleet.online(e.getKey()), e.getValue()));
            }
            return out;
        }
    }
}
