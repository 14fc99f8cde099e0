package org.xmppiot.gateway.qos;

import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.XmlEnvironment;

/**
 * The IQs of {@code urn:xmpp:qos}: {@code acknowledged} and {@code assured} carry a message (with
 * no to/from of its own), {@code deliver} and the {@code received} answer only a message id.
 */
public final class QosIq extends IQ {

    public static final String NAMESPACE = "urn:xmpp:qos";
    public static final String ACKNOWLEDGED = "acknowledged";
    public static final String ASSURED = "assured";
    public static final String DELIVER = "deliver";
    public static final String RECEIVED = "received";

    private final String msgId;
    private final ExtensionElement payload;

    public QosIq(String element, String msgId, ExtensionElement payload) {
        super(element, NAMESPACE);
        this.msgId = msgId;
        this.payload = payload;
    }

    /** The message id (assured, deliver, received), or null. */
    public String msgId() {
        return msgId;
    }

    /** What the carried message holds (acknowledged, assured), or null. */
    public ExtensionElement payload() {
        return payload;
    }

    public String element() {
        return getChildElementName();
    }

    @Override
    protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
        xml.optAttribute("msgId", msgId);
        if (payload == null) {
            xml.setEmptyElement();
            return xml;
        }
        xml.rightAngleBracket();
        xml.openElement("message");
        xml.append(payload.toXML(XmlEnvironment.EMPTY));
        xml.closeElement("message");
        return xml;
    }
}
