package org.xmppiot.gateway.testing;

import java.nio.file.Path;
import java.util.List;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.pubsub.LeafNode;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.jxmpp.jid.impl.JidCreate;

import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;

/** What end-to-end tests ask of pub/sub: whether a node has items yet (subscribe after that), and a field's last value received. */
public final class Subscriptions {

    private Subscriptions() {
    }

    /** Whether {@code node} exists and has an item, as the account {@code reader} sees it. */
    public static boolean nodeHasItems(ProsodyExtension prosody, Path dir, String node) {
        try {
            XMPPTCPConnection c = prosody.connection(dir, "reader");
            try {
                c.connect().login();
                LeafNode leaf = PubSubManager.getInstanceFor(c, JidCreate.bareFrom("pubsub.localhost")).getLeafNode(node);
                return !leaf.getItems(1).isEmpty();
            } finally {
                c.disconnect();
            }
        } catch (Exception e) {
            return false;
        }
    }

    /** The last value of {@code field} of {@code thing} among {@code readings}, as "231.4 V"; null when none came. */
    public static String latest(List<Reading> readings, String thing, String field) {
        for (int i = readings.size() - 1; i >= 0; i--) {
            Reading r = readings.get(i);
            Field f = r.thingId().equals(thing) ? r.field(field) : null;
            if (f != null && f.value() instanceof FieldValue.NumericValue n) {
                return n.value().toPlainString() + (n.unit().isEmpty() ? "" : " " + n.unit());
            }
            if (f != null) {
                return f.value() instanceof FieldValue.BooleanValue b ? Boolean.toString(b.value()) : f.value().toString();
            }
        }
        return null;
    }

    /** The lowest sequence number heard, once five readings have been heard. */
    public static long firstOfFive(java.util.Set<Long> heard) throws InterruptedException {
        org.xmppiot.core.testing.Await.until("the subscriber to hear five readings", () -> heard.size() >= 5);
        return heard.stream().mapToLong(Long::longValue).min().orElseThrow();
    }

    /**
     * Waits until every reading of {@code thing} from {@code first} to 20 after its latest one now was heard: nothing
     * lost in between, whatever happened meanwhile ({@code what}).
     */
    public static void awaitEveryReadingSince(java.util.Set<Long> heard, long first, org.xmppiot.gateway.Gateway gateway, String thing,
            String what) throws InterruptedException {
        long last = gateway.bus().latest().latest(thing).sequence() + 20;
        org.xmppiot.core.testing.Await.until("every reading from the first heard to 20 after " + what, () -> heardAll(heard, first, last));
    }

    /** Whether every sequence number from {@code first} to {@code last} was heard: nothing lost in between. */
    public static boolean heardAll(java.util.Set<Long> heard, long first, long last) {
        for (long s = first; s <= last; s++) {
            if (!heard.contains(s)) {
                return false;
            }
        }
        return true;
    }
}
