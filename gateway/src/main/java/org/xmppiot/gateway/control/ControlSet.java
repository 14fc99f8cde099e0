package org.xmppiot.gateway.control;

import java.util.List;

import org.jivesoftware.smack.packet.IQ;
import org.xmppiot.core.model.FieldValue;

/**
 * XEP-0325's {@code set} (an IQ set): typed parameters for one or more things ({@code node} elements;
 * none: the gateway's only thing). Also the {@code setResponse} that confirms it.
 */
public final class ControlSet extends IQ {

    public static final String NAMESPACE = "urn:xmpp:iot:control";
    public static final String ELEMENT = "set";
    public static final String RESPONSE = "setResponse";

    /** One parameter: its name, and its value with the XEP's element name for the type. */
    public record Parameter(String name, String type, FieldValue value) {
    }

    private final List<String> nodes;
    private final List<Parameter> parameters;
    private final String problem;

    public ControlSet(List<String> nodes, List<Parameter> parameters, String problem) {
        super(ELEMENT, NAMESPACE);
        this.nodes = List.copyOf(nodes);
        this.parameters = List.copyOf(parameters);
        this.problem = problem;
        setType(Type.set);
    }

    /** The empty answer confirming that every parameter was set. */
    public static IQ response(IQ request) {
        IQ answer = new ControlSet(RESPONSE);
        answer.setType(Type.result);
        answer.setStanzaId(request.getStanzaId());
        answer.setTo(request.getFrom());
        return answer;
    }

    private ControlSet(String element) {
        super(element, NAMESPACE);
        this.nodes = List.of();
        this.parameters = List.of();
        this.problem = null;
    }

    public List<String> nodes() {
        return nodes;
    }

    public List<Parameter> parameters() {
        return parameters;
    }

    /** What could not be read in the request, or null. */
    public String problem() {
        return problem;
    }

    @Override
    protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
        if (nodes.isEmpty() && parameters.isEmpty()) {
            xml.setEmptyElement();
            return xml;
        }
        xml.rightAngleBracket();
        for (String n : nodes) {
            xml.halfOpenElement("node").attribute("nodeId", n).closeEmptyElement();
        }
        for (Parameter p : parameters) {
            xml.halfOpenElement(p.type()).attribute("name", p.name()).attribute("value", text(p.value())).closeEmptyElement();
        }
        return xml;
    }

    private static String text(FieldValue v) {
        if (v instanceof FieldValue.NumericValue n) {
            return n.value().toPlainString();
        }
        if (v instanceof FieldValue.BooleanValue b) {
            return Boolean.toString(b.value());
        }
        if (v instanceof FieldValue.IntegerValue i) {
            return Long.toString(i.value());
        }
        return ((FieldValue.StringValue) v).value();
    }
}
