package org.xmppiot.gateway.xmpp;

import org.jivesoftware.smack.packet.ErrorIQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * The addressing of an IQ request, read from its start tag before the rest is parsed, so that a request
 * whose content cannot be parsed can still be answered.
 */
record IqRequestHead(String id, Jid from, Jid to) {

    /** The head of the stanza at the parser's start tag if it is an IQ get or set with an id; null otherwise. */
    static IqRequestHead of(XmlPullParser parser) {
        if (!"iq".equals(parser.getName())) {
            return null;
        }
        String type = parser.getAttributeValue("", "type");
        String id = parser.getAttributeValue("", "id");
        if (id == null || !("get".equals(type) || "set".equals(type))) {
            return null;
        }
        try {
            String from = parser.getAttributeValue("", "from");
            String to = parser.getAttributeValue("", "to");
            return new IqRequestHead(id, from == null ? null : JidCreate.from(from), to == null ? null : JidCreate.from(to));
        } catch (XmppStringprepException e) {
            return null; // Addresses no server would have let through: there is nobody to answer.
        }
    }

    /** An error answer with only the condition. */
    ErrorIQ error(StanzaError.Condition condition) {
        return GuardedTcpConnection.bareError(id, from, to, StanzaError.getBuilder(condition).build());
    }
}
