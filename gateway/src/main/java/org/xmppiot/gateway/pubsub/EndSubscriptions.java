package org.xmppiot.gateway.pubsub;

import java.util.List;

import org.jivesoftware.smack.packet.IQ;
import org.jxmpp.jid.Jid;

/**
 * A node owner's request to end others' subscriptions (XEP-0060 8.8.2, {@code subscription='none'}). Smack's own
 * request writes each {@code <subscription/>} in the plain pub/sub namespace inside the owner's {@code <subscriptions/>},
 * which Prosody does not read as part of it: it answers success and ends nothing.
 */
final class EndSubscriptions extends IQ {

    static final String NAMESPACE = "http://jabber.org/protocol/pubsub#owner";

    private final String node;
    private final List<Jid> subscribers;

    EndSubscriptions(Jid service, String node, List<Jid> subscribers) {
        super("pubsub", NAMESPACE);
        this.node = node;
        this.subscribers = List.copyOf(subscribers);
        setType(IQ.Type.set);
        setTo(service);
    }

    @Override
    protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
        xml.rightAngleBracket();
        xml.halfOpenElement("subscriptions").attribute("node", node).rightAngleBracket();
        for (Jid jid : subscribers) {
            xml.halfOpenElement("subscription").attribute("jid", jid).attribute("subscription", "none").closeEmptyElement();
        }
        xml.closeElement("subscriptions");
        return xml;
    }
}
