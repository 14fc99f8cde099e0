package org.xmppiot.gateway.iotdata;

import java.time.Instant;

import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.util.XmlStringBuilder;

/** XEP-0323's {@code failure}: the read-out of a thing could not be done, and why. */
public final class SensorDataFailure implements ExtensionElement {

    public static final String ELEMENT = "failure";

    private final long seqnr;
    private final String nodeId;
    private final Instant when;
    private final String text;

    public SensorDataFailure(long seqnr, String nodeId, Instant when, String text) {
        this.seqnr = seqnr;
        this.nodeId = nodeId;
        this.when = when;
        this.text = text;
    }

    @Override
    public String getElementName() {
        return ELEMENT;
    }

    @Override
    public String getNamespace() {
        return SensorDataFields.NAMESPACE;
    }

    @Override
    public XmlStringBuilder toXML(XmlEnvironment enclosing) {
        XmlStringBuilder xml = new XmlStringBuilder(this, enclosing);
        xml.attribute("seqnr", seqnr).attribute("done", true).rightAngleBracket();
        xml.halfOpenElement("error").attribute("nodeId", nodeId).attribute("timestamp", when.toString()).rightAngleBracket();
        xml.escape(text);
        xml.closeElement("error");
        xml.closeElement(this);
        return xml;
    }
}
