package org.xmppiot.gateway.fleet;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.pep.PepManager;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

import org.xmppiot.gateway.config.XmppConfig;
import org.xmppiot.gateway.xmpp.XmppConnectionFactory;

/**
 * An owner's session for the fleet tools: logged in, subscribed to the presence of the gateways it names (they grant it
 * to their owners and readers) and keeping the last {@link StatusBeacon} status of each, which PEP hands over when the
 * owner comes online and sends again whenever a gateway publishes one.
 */
final class FleetSession implements AutoCloseable {

    private final XMPPTCPConnection c;
    private final Roster roster;
    private final Map<String, StandardExtensionElement> statuses = new ConcurrentHashMap<>();

    private FleetSession(XMPPTCPConnection c) {
        this.c = c;
        this.roster = Roster.getInstanceFor(c);
    }

    /** Logs in as {@code owner} with {@code resource}. */
    static FleetSession open(XmppConfig owner, String resource) throws Exception {
        StatusBeacon.register();
        FleetSession s = new FleetSession(XmppConnectionFactory.create(owner.withResource(resource)));
        PepManager.getInstanceFor(s.c).addPepEventListener(StatusBeacon.NODE, StandardExtensionElement.class,
                (from, element, id, message) -> s.statuses.put(from.asBareJid().toString(), element));
        s.roster.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        s.c.connect().login();
        if (!s.roster.isLoaded()) {
            s.roster.reloadAndWait(); // which contacts to wait for comes from it
        }
        return s;
    }

    XMPPTCPConnection connection() {
        return c;
    }

    /**
     * Asks each gateway of {@code jids} whose presence is not seen yet for it and, once all are granted (or the
     * deadline passes), says we are here again: PEP then hands over their last statuses.
     */
    void follow(List<String> jids, long deadline) throws Exception {
        if (jids.isEmpty()) {
            return;
        }
        for (String jid : jids) {
            BareJid gateway = JidCreate.bareFrom(jid);
            if (!canSee(jid)) {
                roster.createItemAndRequestSubscription(gateway, gateway.getLocalpartOrNull() == null ? jid : gateway.getLocalpartOrThrow().toString(), null);
            }
        }
        waitFor(deadline, () -> jids.stream().allMatch(this::canSee));
        c.sendStanza(c.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.available).build());
    }

    boolean canSee(String jid) {
        try {
            RosterEntry entry = roster.getEntry(JidCreate.bareFrom(jid));
            return entry != null && entry.canSeeHisPresence();
        } catch (XmppStringprepException e) {
            return true; // not a JID: nothing to wait for
        }
    }

    /** Every contact whose presence this account sees. */
    List<String> contacts() {
        return roster.getEntries().stream().filter(RosterEntry::canSeeHisPresence).map(e -> e.getJid().toString()).toList();
    }

    boolean online(String jid) {
        try {
            return roster.getPresence(JidCreate.bareFrom(jid)).isAvailable();
        } catch (XmppStringprepException e) {
            return false;
        }
    }

    /** The gateway's last status, or null when none came. */
    StandardExtensionElement status(String jid) {
        return statuses.get(jid);
    }

    Map<String, StandardExtensionElement> statuses() {
        return statuses;
    }

    /** Waits until {@code done} holds or {@code deadline} (System.nanoTime) passes. */
    static void waitFor(long deadline, BooleanSupplier done) throws InterruptedException {
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        c.disconnect();
    }
}
