package org.xmppiot.gateway.qos;

import java.io.IOException;

import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.IqData;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.parsing.SmackParsingException;
import org.jivesoftware.smack.provider.IqProvider;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/** Parses the {@code urn:xmpp:qos} IQs; the carried message's first extension is the payload. */
public final class QosIqProvider extends IqProvider<QosIq> {

    static {
        for (String qos : new String[] {QosIq.ACKNOWLEDGED, QosIq.ASSURED, QosIq.DELIVER}) {
            org.jivesoftware.smack.provider.ProviderManager.addIQProvider(qos, QosIq.NAMESPACE, new QosIqProvider());
        }
    }

    /** Teaches Smack the QoS IQs, for senders and receivers alike; registers once, later calls do nothing. */
    public static void register() {
        // The static initialiser did the work.
    }

    @Override
    public QosIq parse(XmlPullParser parser, int initialDepth, IqData iqData, XmlEnvironment xmlEnvironment)
            throws XmlPullParserException, IOException, SmackParsingException {
        String element = parser.getName();
        String msgId = parser.getAttributeValue("msgId");
        ExtensionElement payload = null;
        while (true) {
            XmlPullParser.Event event = parser.next();
            if (event == XmlPullParser.Event.START_ELEMENT && "message".equals(parser.getName())) {
                Message message = PacketParserUtils.parseMessage(parser, xmlEnvironment);
                if (!message.getExtensions().isEmpty()) {
                    payload = message.getExtensions().get(0);
                }
            } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == initialDepth
                    || event == XmlPullParser.Event.END_DOCUMENT) {
                break;
            }
        }
        if ((QosIq.ASSURED.equals(element) || QosIq.DELIVER.equals(element)) && (msgId == null || msgId.isBlank())) {
            throw new SmackParsingException("urn:xmpp:qos " + element + " lacks its msgId attribute");
        }
        return new QosIq(element, msgId, payload);
    }
}
