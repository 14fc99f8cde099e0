package org.xmppiot.gateway.iotdata;

import org.jivesoftware.smack.packet.IQ;

/** XEP-0323's {@code accepted} answer: the request {@code seqnr} is taken; data follows in messages. */
public final class SensorDataAccepted extends IQ {

    public static final String ELEMENT = "accepted";

    private final long seqnr;

    public SensorDataAccepted(IQ request, long seqnr) {
        super(ELEMENT, SensorDataFields.NAMESPACE);
        this.seqnr = seqnr;
        setType(Type.result);
        setStanzaId(request.getStanzaId());
        setTo(request.getFrom());
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
