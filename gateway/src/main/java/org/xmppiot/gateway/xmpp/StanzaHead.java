package org.xmppiot.gateway.xmpp;

import org.jivesoftware.smack.packet.EmptyResultIQ;
import org.jivesoftware.smack.packet.ErrorIQ;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * What a stanza's start tag says (kind, type, id, addresses), read before the rest is parsed: so that a
 * stanza can be judged by its sender first, and a request whose content cannot be parsed still answered.
 */
record StanzaHead(String kind, String type, String id, Jid from, Jid to) {

    /** The head of the stanza at the parser's start tag; addresses no server would have let through are null. */
    static StanzaHead of(XmlPullParser parser) {
        return new StanzaHead(parser.getName(), parser.getAttributeValue("", "type"), parser.getAttributeValue("", "id"),
                jid(parser.getAttributeValue("", "from")), jid(parser.getAttributeValue("", "to")));
    }

    /** An address as read and as parsed. */
    private record Known(String text, Jid jid) {
    }

    /**
     * The addresses read last, a few: a session's stanzas come from and go to few addresses (its server, the pub/sub
     * service, itself), and jxmpp builds a new string for each one it looks up in its own cache. Shared by the readers of
     * all sessions; a slot overwritten meanwhile only costs a lookup.
     */
    private static final Known[] RECENT = new Known[4];
    private static int nextSlot;

    private static Jid jid(String text) {
        if (text == null) {
            return null;
        }
        for (Known k : RECENT) {
            if (k != null && k.text().equals(text)) {
                return k.jid();
            }
        }
        try {
            Jid parsed = JidCreate.from(text);
            int slot = nextSlot;
            RECENT[slot] = new Known(text, parsed);
            nextSlot = (slot + 1) % RECENT.length;
            return parsed;
        } catch (XmppStringprepException e) {
            return null;
        }
    }

    /** An IQ get or set with an id and a sender: a request that is owed an answer. */
    boolean isIqRequest() {
        return "iq".equals(kind) && id != null && from != null && ("get".equals(type) || "set".equals(type));
    }

    /** An IQ result with an id: an answer that says only that its request succeeded (what it holds aside). */
    boolean isResult() {
        return "iq".equals(kind) && "result".equals(type) && id != null;
    }

    /** This result with its addresses and id, without its content. */
    @SuppressWarnings("deprecation") // Smack 4.4 has no builder for an empty result other than from its request.
    IQ emptyResult() {
        EmptyResultIQ result = new EmptyResultIQ();
        result.setStanzaId(id);
        result.setFrom(from);
        result.setTo(to);
        return result;
    }

    /** An error answer to this request with only the condition. */
    ErrorIQ error(StanzaError.Condition condition) {
        return GuardedTcpConnection.bareError(id, from, to, StanzaError.getBuilder(condition).build());
    }
}
