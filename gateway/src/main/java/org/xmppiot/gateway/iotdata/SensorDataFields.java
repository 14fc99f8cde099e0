package org.xmppiot.gateway.iotdata;

import java.time.Instant;
import java.util.List;

import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.util.XmlStringBuilder;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Quality;
import org.xmppiot.core.model.Reading;

/**
 * XEP-0323's {@code fields} element ({@code urn:xmpp:iot:sensordata}): readings of one or more
 * things, each as a {@code node} with a {@code timestamp} holding typed fields. Used as a readout
 * response and as the payload of a pub/sub item. A payload sent late carries an XEP-0203
 * {@code delay} child with its original time: an item may hold only one element, so the stamp
 * travels inside it.
 */
public final class SensorDataFields implements ExtensionElement {

    public static final String ELEMENT = "fields";
    public static final String NAMESPACE = "urn:xmpp:iot:sensordata";
    public static final String DELAY_NAMESPACE = "urn:xmpp:delay";
    /** A reading sent this long after it was taken is late, and says when it was taken (a XEP-0203 delay). */
    public static final java.time.Duration LATE_AFTER = java.time.Duration.ofSeconds(2);

    private final long seqnr;
    private final boolean done;
    private final List<Reading> readings;
    private final Instant delayedSince;

    public SensorDataFields(long seqnr, boolean done, List<Reading> readings) {
        this(seqnr, done, readings, null);
    }

    /** With {@code delayedSince} not null, the element says it is delivered late, taken at that time. */
    public SensorDataFields(long seqnr, boolean done, List<Reading> readings, Instant delayedSince) {
        this.seqnr = seqnr;
        this.done = done;
        this.readings = List.copyOf(readings);
        this.delayedSince = delayedSince;
    }

    /** A complete {@code fields} element for one reading; its sequence number becomes {@code seqnr}. */
    public static SensorDataFields of(Reading reading) {
        return new SensorDataFields(reading.sequence(), true, List.of(reading));
    }

    public long seqnr() {
        return seqnr;
    }

    public boolean done() {
        return done;
    }

    public List<Reading> readings() {
        return readings;
    }

    /**
     * The readings of a gateway's pub/sub item, each with its own sequence number: an item's {@code seqnr} is its first
     * reading's and the measurements after it follow on from it (a status reading travels alone). {@link #readings()}
     * gives every reading the element's {@code seqnr}, which is right for a read-out's answer, where it names the request.
     */
    public List<Reading> itemReadings() {
        if (seqnr <= 0 || readings.size() < 2) {
            return readings;
        }
        List<Reading> numbered = new java.util.ArrayList<>(readings.size());
        for (int i = 0; i < readings.size(); i++) {
            Reading r = readings.get(i);
            numbered.add(new Reading(r.thingId(), seqnr + i, r.timestamp(), r.fields()));
        }
        return numbered;
    }

    /** The XEP-0203 stamp of a late delivery, or null when sent on time. */
    public Instant delayedSince() {
        return delayedSince;
    }

    @Override
    public String getElementName() {
        return ELEMENT;
    }

    @Override
    public String getNamespace() {
        return NAMESPACE;
    }

    /**
     * Written as one piece of text ({@link #appendTo}): through Smack's builder each name, value and quote would be a piece
     * of its own, kept in a list until the stanza is written (some 30 objects a field). Its namespace is always declared:
     * no element of this namespace encloses it.
     */
    @Override
    public XmlStringBuilder toXML(XmlEnvironment enclosing) {
        return new XmlStringBuilder().append(appendTo(new StringBuilder(estimatedLength() + 96)));
    }

    /** This element as text, its namespace declared: also what a publish holds, written once as it is made. */
    public StringBuilder appendTo(StringBuilder out) {
        out.append("<fields xmlns='").append(NAMESPACE).append("' seqnr='").append(seqnr).append('\'');
        if (done) {
            out.append(" done='true'");
        }
        readingsXml(out.append('>'));
        if (delayedSince != null) {
            out.append("<delay xmlns='").append(DELAY_NAMESPACE).append("' stamp='").append(delayedSince).append("'/>");
        }
        return out.append("</fields>");
    }

    /** About how many characters the readings take as XML: a builder this large grows once at most. */
    public int estimatedLength() {
        int fields = readings.isEmpty() ? 0 : readings.get(0).fields().size();
        return 64 + readings.size() * (48 + 96 * fields);
    }

    private StringBuilder readingsXml(StringBuilder out) {
        String openNode = null;
        for (Reading r : readings) {
            // Consecutive readings of one thing share its node element, a timestamp each.
            if (!r.thingId().equals(openNode)) {
                if (openNode != null) {
                    out.append("</node>");
                }
                attribute(out.append("<node"), "nodeId", r.thingId()).append('>');
                openNode = r.thingId();
            }
            UtcStamps.append(out.append("<timestamp value='"), r.timestamp()).append("'>");
            for (Field f : r.fields()) {
                appendField(out, f);
            }
            out.append("</timestamp>");
        }
        if (openNode != null) {
            out.append("</node>");
        }
        return out;
    }

    private static void appendField(StringBuilder out, Field f) {
        FieldValue v = f.value();
        out.append('<');
        if (v instanceof FieldValue.NumericValue n) {
            out.append("numeric");
        } else if (v instanceof FieldValue.BooleanValue) {
            out.append("boolean");
        } else if (v instanceof FieldValue.IntegerValue i) {
            out.append(i.fitsInt() ? "int" : "long");
        } else {
            out.append("string");
        }
        attribute(out, "name", f.name());
        out.append(' ').append(f.category().xmlName()).append("='true'");
        for (Quality q : f.quality()) {
            out.append(' ').append(q.xmlName()).append("='true'");
        }
        out.append(" value='");
        if (v instanceof FieldValue.NumericValue n) {
            out.append(n.value().toPlainString()).append('\'');
            if (n.unit() != null) {
                attribute(out, "unit", n.unit());
            }
        } else if (v instanceof FieldValue.BooleanValue b) {
            out.append(b.value()).append('\'');
        } else if (v instanceof FieldValue.IntegerValue i) {
            out.append(i.value()).append('\'');
        } else {
            escaped(out, ((FieldValue.StringValue) v).value()).append('\'');
        }
        out.append("/>");
    }

    /** {@code name='value'} after a space, the value escaped as {@link #escaped} does. */
    public static StringBuilder attribute(StringBuilder out, String name, String value) {
        out.append(' ').append(name).append("='");
        return escaped(out, value).append('\'');
    }

    /**
     * An attribute value as Smack escapes one in apostrophes ({@code & < '}); besides, tab and line ends as character
     * references (a parser would turn them into spaces) and the other control characters, which XML 1.0 forbids and for
     * which a server would close the stream, as U+FFFD: a device's garbage never costs the session.
     */
    static StringBuilder escaped(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '\'' -> out.append("&apos;");
                case '\t' -> out.append("&#9;");
                case '\n' -> out.append("&#10;");
                case '\r' -> out.append("&#13;");
                default -> out.append(c < 0x20 || c == 0xFFFE || c == 0xFFFF ? '\uFFFD' : c);
            }
        }
        return out;
    }
}
