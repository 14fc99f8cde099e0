package org.xmppiot.gateway.observe;

import org.jivesoftware.smack.packet.IQ;
import org.xmppiot.core.model.Category;

/** The {@code subscribe} request of IoT Events ({@code urn:xmpp:iot:events}), an IQ get. */
public final class EventSubscribe extends IQ {

    public static final String ELEMENT = "subscribe";
    public static final String NAMESPACE = "urn:xmpp:iot:events";

    private final ObserveRequest request;
    private final String problem;

    public EventSubscribe(ObserveRequest request) {
        this(request, null);
    }

    /** A request that could not be read; {@code problem} says what is wrong, for the error answer. */
    static EventSubscribe malformed(long seqnr, String problem) {
        return new EventSubscribe(new ObserveRequest(seqnr, java.util.List.of(), java.util.List.of(), java.util.Set.of(), null, null, false), problem);
    }

    private EventSubscribe(ObserveRequest request, String problem) {
        super(ELEMENT, NAMESPACE);
        this.request = request;
        this.problem = problem;
        setType(Type.get);
    }

    public ObserveRequest request() {
        return request;
    }

    /** What is wrong with the request as received, or null. */
    public String problem() {
        return problem;
    }

    @Override
    protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
        xml.attribute("seqnr", request.seqnr());
        for (Category c : request.categories()) {
            xml.attribute(c.xmlName(), true);
        }
        if (request.minInterval() != null) {
            xml.attribute("minInterval", request.minInterval().toString());
        }
        if (request.maxInterval() != null) {
            xml.attribute("maxInterval", request.maxInterval().toString());
        }
        xml.optBooleanAttribute("req", request.readNow());
        xml.rightAngleBracket();
        for (String node : request.nodes()) {
            xml.halfOpenElement("node").attribute("nodeId", node).closeEmptyElement();
        }
        for (FieldCondition f : request.fields()) {
            xml.halfOpenElement("field").attribute("name", f.name());
            xml.optAttribute("changedBy", f.changedBy() == null ? null : f.changedBy().toPlainString());
            xml.optAttribute("changedUp", f.changedUp() == null ? null : f.changedUp().toPlainString());
            xml.optAttribute("changedDown", f.changedDown() == null ? null : f.changedDown().toPlainString());
            xml.optAttribute("currentValue", f.currentValue() == null ? null : f.currentValue().toPlainString());
            xml.closeEmptyElement();
        }
        return xml;
    }
}
