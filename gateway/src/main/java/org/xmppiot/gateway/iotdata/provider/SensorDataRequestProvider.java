package org.xmppiot.gateway.iotdata.provider;

import java.io.IOException;
import java.time.Instant;
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
import org.xmppiot.gateway.iotdata.SensorDataCancel;
import org.xmppiot.gateway.iotdata.SensorDataRequest;

/**
 * Parses XEP-0323 {@code req} and {@code cancel}. A request with a mistake comes back marked with the
 * problem, so the answer can say what is wrong instead of leaving the client waiting.
 */
public final class SensorDataRequestProvider extends IqProvider<IQ> {

    @Override
    public IQ parse(XmlPullParser parser, int initialDepth, IqData iqData, XmlEnvironment xmlEnvironment)
            throws XmlPullParserException, IOException {
        String element = parser.getName();
        String problem = null;
        long seqnr = 0;
        try {
            seqnr = Long.parseLong(String.valueOf(parser.getAttributeValue("seqnr")).trim());
        } catch (NumberFormatException e) {
            problem = "seqnr must be a number, was '" + parser.getAttributeValue("seqnr") + "'";
        }
        if (SensorDataCancel.ELEMENT.equals(element)) {
            ParserUtils.forwardToEndTagOfDepth(parser, initialDepth);
            return new SensorDataCancel(SensorDataCancel.ELEMENT, seqnr);
        }
        Set<Category> categories = EnumSet.noneOf(Category.class);
        boolean all = Boolean.parseBoolean(parser.getAttributeValue("all"));
        for (Category c : Category.values()) {
            if (Boolean.parseBoolean(parser.getAttributeValue(c.xmlName()))) {
                categories.add(c);
            }
        }
        boolean historical = false;
        for (int i = 0; i < parser.getAttributeCount(); i++) {
            if (parser.getAttributeName(i).startsWith("historical") && Boolean.parseBoolean(parser.getAttributeValue(i))) {
                historical = true;
            }
        }
        Instant from = null;
        Instant to = null;
        try {
            from = instant(parser.getAttributeValue("from"));
            to = instant(parser.getAttributeValue("to"));
        } catch (DateTimeParseException e) {
            problem = "from and to must be xs:dateTime values such as 2026-11-25T10:00:00Z";
        }
        List<String> nodes = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        while (true) {
            XmlPullParser.Event event = parser.next();
            if (event == XmlPullParser.Event.START_ELEMENT) {
                String id = "node".equals(parser.getName()) ? parser.getAttributeValue("nodeId") : parser.getAttributeValue("name");
                if ("node".equals(parser.getName()) && id != null) {
                    nodes.add(id);
                } else if ("field".equals(parser.getName()) && id != null) {
                    fields.add(id);
                }
            } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == initialDepth
                    || event == XmlPullParser.Event.END_DOCUMENT) {
                break;
            }
        }
        return new SensorDataRequest(seqnr, nodes, fields, all ? Set.of() : categories, historical, from, to, problem);
    }

    /** xs:dateTime, with or without a zone (without: UTC, as in the XEP's examples). */
    private static Instant instant(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            return Instant.parse(value + "Z");
        }
    }
}
