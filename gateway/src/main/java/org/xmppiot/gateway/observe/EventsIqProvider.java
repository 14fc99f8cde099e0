package org.xmppiot.gateway.observe;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.IqData;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.IqProvider;
import org.jivesoftware.smack.util.ParserUtils;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;
import org.xmppiot.core.model.Category;

/**
 * Parses IoT Events {@code subscribe} and {@code unsubscribe}. A request with a mistake is still
 * returned, marked with the problem, so the gateway can answer bad-request saying what is wrong
 * instead of leaving the client without an answer.
 */
public final class EventsIqProvider extends IqProvider<IQ> {

    @Override
    public IQ parse(XmlPullParser parser, int initialDepth, IqData iqData, XmlEnvironment xmlEnvironment)
            throws XmlPullParserException, IOException {
        String element = parser.getName();
        // Every attribute is read here, at the start tag: once the parser has moved on, asking for one throws.
        String seqnrText = parser.getAttributeValue("seqnr");
        long seqnr;
        try {
            seqnr = Long.parseLong(String.valueOf(seqnrText));
        } catch (NumberFormatException e) {
            ParserUtils.forwardToEndTagOfDepth(parser, initialDepth);
            return EventSubscribe.malformed(0, "seqnr must be a number, was '" + seqnrText + "'");
        }
        if (EventUnsubscribe.ELEMENT.equals(element)) {
            ParserUtils.forwardToEndTagOfDepth(parser, initialDepth);
            return new EventUnsubscribe(seqnr);
        }
        try {
            Set<Category> categories = EnumSet.noneOf(Category.class);
            for (Category c : Category.values()) {
                if (Boolean.parseBoolean(parser.getAttributeValue(c.xmlName()))) {
                    categories.add(c);
                }
            }
            Duration min = duration(parser, "minInterval");
            Duration max = duration(parser, "maxInterval");
            boolean now = Boolean.parseBoolean(parser.getAttributeValue("req"));
            List<String> nodes = new ArrayList<>();
            List<FieldCondition> fields = new ArrayList<>();
            while (true) {
                XmlPullParser.Event event = parser.next();
                if (event == XmlPullParser.Event.START_ELEMENT) {
                    if ("node".equals(parser.getName())) {
                        nodes.add(required(parser, "nodeId"));
                    } else if ("field".equals(parser.getName())) {
                        fields.add(new FieldCondition(required(parser, "name"), number(parser, "changedBy"),
                                number(parser, "changedUp"), number(parser, "changedDown"), number(parser, "currentValue")));
                    }
                } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == initialDepth
                        || event == XmlPullParser.Event.END_DOCUMENT) {
                    break;
                }
            }
            if (min != null && max != null && min.compareTo(max) > 0) {
                throw new IllegalArgumentException("minInterval " + min + " is longer than maxInterval " + max);
            }
            return new EventSubscribe(new ObserveRequest(seqnr, nodes, fields, categories, min, max, now));
        } catch (IllegalArgumentException e) {
            ParserUtils.forwardToEndTagOfDepth(parser, initialDepth);
            return EventSubscribe.malformed(seqnr, e.getMessage());
        }
    }

    private static String required(XmlPullParser parser, String attribute) {
        String v = parser.getAttributeValue(attribute);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("a " + parser.getName() + " element lacks its " + attribute + " attribute");
        }
        return v;
    }

    private static BigDecimal number(XmlPullParser parser, String attribute) {
        String v = parser.getAttributeValue(attribute);
        if (v == null) {
            return null;
        }
        try {
            BigDecimal d = new BigDecimal(v.trim());
            if (!"currentValue".equals(attribute) && d.signum() < 0) {
                throw new IllegalArgumentException(attribute + " of field '" + parser.getAttributeValue("name") + "' must not be negative");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(attribute + " of field '" + parser.getAttributeValue("name") + "' is not a number: '" + v + "'");
        }
    }

    /** An xs:duration such as PT5S or PT15M or P1DT2H; years and months have no fixed length and are refused. */
    private static Duration duration(XmlPullParser parser, String attribute) {
        String v = parser.getAttributeValue(attribute);
        if (v == null) {
            return null;
        }
        try {
            Duration d = Duration.parse(v.trim());
            if (d.isNegative()) {
                throw new IllegalArgumentException(attribute + " must not be negative: '" + v + "'");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(attribute + " is not a duration in days, hours, minutes, seconds (e.g. PT5M): '" + v + "'");
        }
    }
}
