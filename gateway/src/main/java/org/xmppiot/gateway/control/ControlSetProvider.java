package org.xmppiot.gateway.control;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import org.jivesoftware.smack.packet.IqData;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.IqProvider;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;
import org.xmppiot.core.model.FieldValue;

/** Parses XEP-0325 {@code set}; a value that does not fit its type marks the request with the problem. */
public final class ControlSetProvider extends IqProvider<ControlSet> {

    @Override
    public ControlSet parse(XmlPullParser parser, int initialDepth, IqData iqData, XmlEnvironment xmlEnvironment)
            throws XmlPullParserException, IOException {
        List<String> nodes = new ArrayList<>();
        List<ControlSet.Parameter> parameters = new ArrayList<>();
        String problem = null;
        while (true) {
            XmlPullParser.Event event = parser.next();
            if (event == XmlPullParser.Event.START_ELEMENT) {
                String type = parser.getName();
                if ("node".equals(type)) {
                    nodes.add(parser.getAttributeValue("nodeId"));
                    continue;
                }
                String name = parser.getAttributeValue("name");
                String value = parser.getAttributeValue("value");
                if (name == null || value == null) {
                    problem = "a " + type + " parameter needs name and value";
                    continue;
                }
                try {
                    parameters.add(new ControlSet.Parameter(name, type, value(type, value)));
                } catch (IllegalArgumentException e) {
                    problem = "'" + value + "' is not a valid " + type + " for '" + name + "'";
                }
            } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == initialDepth
                    || event == XmlPullParser.Event.END_DOCUMENT) {
                break;
            }
        }
        return new ControlSet(nodes, parameters, problem);
    }

    private static FieldValue value(String type, String v) {
        switch (type) {
            case "boolean":
                if (!v.equals("true") && !v.equals("false") && !v.equals("1") && !v.equals("0")) {
                    throw new IllegalArgumentException(v);
                }
                return new FieldValue.BooleanValue(v.equals("true") || v.equals("1"));
            case "int":
            case "long":
                return new FieldValue.IntegerValue(Long.parseLong(v.trim()));
            case "double":
                return new FieldValue.NumericValue(new BigDecimal(v.trim()), "");
            default:
                // string, date, dateTime, duration, time, color: the driver reads the text.
                return new FieldValue.StringValue(v);
        }
    }
}
