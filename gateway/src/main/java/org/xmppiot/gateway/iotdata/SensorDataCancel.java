package org.xmppiot.gateway.iotdata;

import org.jivesoftware.smack.packet.IQ;

/** XEP-0323's {@code cancel} request, and with {@code cancelled} its answer. */
public final class SensorDataCancel extends IQ {

    public static final String ELEMENT = "cancel";
    public static final String ANSWER = "cancelled";

    private final long seqnr;

    public SensorDataCancel(String element, long seqnr) {
        super(element, SensorDataFields.NAMESPACE);
        this.seqnr = seqnr;
    }

    public long seqnr() {
        return seqnr;
    }

    @Override
    protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
        xml.attribute("seqnr", seqnr);
        xml.setEmptyElement();
        return xml;
    }
}
