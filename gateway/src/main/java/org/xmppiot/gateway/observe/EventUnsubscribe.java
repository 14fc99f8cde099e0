package org.xmppiot.gateway.observe;

import org.jivesoftware.smack.packet.IQ;

/** The {@code unsubscribe} request of IoT Events: ends the observer's subscription {@code seqnr}. */
public final class EventUnsubscribe extends IQ {

    public static final String ELEMENT = "unsubscribe";

    private final long seqnr;

    public EventUnsubscribe(long seqnr) {
        super(ELEMENT, EventSubscribe.NAMESPACE);
        this.seqnr = seqnr;
        setType(Type.get);
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
