package org.xmppiot.gateway.iotdata;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.jivesoftware.smack.packet.IQ;
import org.xmppiot.core.model.Category;

/**
 * XEP-0323's read-out request {@code req} (an IQ get): which things ({@code nodes}, none: all),
 * which fields (none: all), which categories (none or {@code all}: all), and for historical values
 * the time range. {@code problem} is set when the request could not be read, for the error answer.
 */
public final class SensorDataRequest extends IQ {

    public static final String ELEMENT = "req";

    private final long seqnr;
    private final List<String> nodes;
    private final List<String> fields;
    private final Set<Category> categories;
    private final boolean historical;
    private final Instant from;
    private final Instant to;
    private final String problem;

    public SensorDataRequest(long seqnr, List<String> nodes, List<String> fields, Set<Category> categories, boolean historical,
                             Instant from, Instant to, String problem) {
        super(ELEMENT, SensorDataFields.NAMESPACE);
        this.seqnr = seqnr;
        this.nodes = List.copyOf(nodes);
        this.fields = List.copyOf(fields);
        this.categories = Set.copyOf(categories);
        this.historical = historical;
        this.from = from;
        this.to = to;
        this.problem = problem;
        setType(Type.get);
    }

    public long seqnr() {
        return seqnr;
    }

    public List<String> nodes() {
        return nodes;
    }

    public List<String> fields() {
        return fields;
    }

    public Set<Category> categories() {
        return categories;
    }

    public boolean historical() {
        return historical;
    }

    public Instant from() {
        return from;
    }

    public Instant to() {
        return to;
    }

    public String problem() {
        return problem;
    }

    @Override
    protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
        xml.attribute("seqnr", seqnr);
        for (Category c : categories) {
            xml.attribute(c.xmlName(), true);
        }
        if (historical) {
            xml.attribute("historical", true);
        }
        xml.optAttribute("from", from == null ? null : from.toString());
        xml.optAttribute("to", to == null ? null : to.toString());
        xml.rightAngleBracket();
        for (String n : nodes) {
            xml.halfOpenElement("node").attribute("nodeId", n).closeEmptyElement();
        }
        for (String f : fields) {
            xml.halfOpenElement("field").attribute("name", f).closeEmptyElement();
        }
        return xml;
    }
}
