package org.xmppiot.gateway.pubsub;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smackx.pubsub.packet.PubSubNamespace;
import org.jxmpp.jid.Jid;
import org.xmppiot.gateway.iotdata.SensorDataFields;

/**
 * A XEP-0060 publish of one item, {@code <pubsub><publish node><item id>fields</item></publish></pubsub>}, whose
 * content is written as text once, when it is made. Smack's own {@code PubSub}, {@code PublishItem} and
 * {@code PayloadItem} build a tree of builders and pieces of text for every publish each time it is written, on the
 * thread that sends it and again on the writer's; this is the same XML for a fraction of the objects. Sent again after a
 * new session, it writes the same text.
 */
final class PublishRequest extends IQ {

    private static final String ELEMENT = "pubsub";
    private static final String NAMESPACE = PubSubNamespace.basic.getXmlns();

    /** Everything inside {@code <pubsub>}. */
    private final String content;

    PublishRequest(Jid service, String node, String itemId, SensorDataFields payload) {
        super(ELEMENT, NAMESPACE);
        setType(Type.set);
        setTo(service);
        StringBuilder out = new StringBuilder(payload.estimatedLength() + 96 + node.length() + itemId.length());
        SensorDataFields.attribute(out.append("<publish"), "node", node).append('>');
        SensorDataFields.attribute(out.append("<item"), "id", itemId).append('>');
        this.content = payload.appendTo(out).append("</item></publish>").toString();
    }

    @Override
    protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
        xml.rightAngleBracket();
        xml.append(content);
        return xml;
    }
}
