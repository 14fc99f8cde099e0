package org.xmppiot.gateway.iotdata.provider;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.parsing.SmackParsingException;
import org.jivesoftware.smack.provider.ExtensionElementProvider;
import org.jivesoftware.smack.util.ParserUtils;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Category;
import org.xmppiot.core.model.Quality;
import org.xmppiot.core.model.Reading;
import org.xmppiot.gateway.iotdata.SensorDataFields;

/** Parses XEP-0323 {@code fields} elements into {@link SensorDataFields}. */
public final class SensorDataFieldsProvider extends ExtensionElementProvider<SensorDataFields> {

    /** XEP-0323's field elements. */
    private static final Set<String> FIELD_ELEMENTS = Set.of("numeric", "boolean", "int", "long", "string", "date",
            "dateTime", "duration", "time", "enum");

    @Override
    public SensorDataFields parse(XmlPullParser parser, int initialDepth, XmlEnvironment xmlEnvironment)
            throws XmlPullParserException, IOException, SmackParsingException {
        long seqnr = parseLong(parser, "seqnr", 0);
        boolean done = Boolean.parseBoolean(parser.getAttributeValue("done"));
        List<Reading> readings = new ArrayList<>();
        String nodeId = null;
        Instant timestamp = null;
        List<Field> fields = new ArrayList<>();
        Instant delayedSince = null;
        while (true) {
            XmlPullParser.Event event = parser.next();
            if (event == XmlPullParser.Event.START_ELEMENT) {
                String name = parser.getName();
                switch (name) {
                    case "node" -> nodeId = required(parser, "nodeId");
                    case "timestamp" -> {
                        timestamp = parseInstant(parser, required(parser, "value"));
                        fields = new ArrayList<>();
                    }
                    case "delay" -> delayedSince = parseInstant(parser, required(parser, "stamp"));
                    default -> {
                        if (FIELD_ELEMENTS.contains(name)) {
                            fields.add(parseField(parser, name));
                        } else {
                            // Another extension inside fields: not ours to read.
                            ParserUtils.forwardToEndTagOfDepth(parser, parser.getDepth());
                        }
                    }
                }
            } else if (event == XmlPullParser.Event.END_ELEMENT) {
                if (parser.getDepth() == initialDepth) {
                    break;
                }
                if ("timestamp".equals(parser.getName())) {
                    if (nodeId == null) {
                        throw new SmackParsingException("XEP-0323 timestamp outside a node element");
                    }
                    readings.add(new Reading(nodeId, seqnr, timestamp, fields));
                }
            } else if (event == XmlPullParser.Event.END_DOCUMENT) {
                break;
            }
        }
        return new SensorDataFields(seqnr, done, readings, delayedSince);
    }

    private static Field parseField(XmlPullParser parser, String element) throws SmackParsingException {
        String name = required(parser, "name");
        String value = required(parser, "value");
        Set<Quality> quality = EnumSet.noneOf(Quality.class);
        Category category = Category.MOMENTARY;
        for (int i = 0; i < parser.getAttributeCount(); i++) {
            if (!Boolean.parseBoolean(parser.getAttributeValue(i))) {
                continue;
            }
            Quality q = Quality.fromXmlName(parser.getAttributeName(i));
            if (q != null) {
                quality.add(q);
            }
            Category c = Category.fromXmlName(parser.getAttributeName(i));
            if (c != null && c != Category.MOMENTARY) {
                category = c;
            }
        }
        FieldValue v;
        try {
            v = switch (element) {
                case "numeric" -> new FieldValue.NumericValue(new BigDecimal(value), parser.getAttributeValue("unit"));
                case "boolean" -> new FieldValue.BooleanValue(Boolean.parseBoolean(value));
                case "int", "long" -> new FieldValue.IntegerValue(Long.parseLong(value));
                // date, dateTime, duration, time and enum keep their text until the model types them.
                default -> new FieldValue.StringValue(value);
            };
        } catch (NumberFormatException e) {
            throw new SmackParsingException("XEP-0323 " + element + " field '" + name + "' has a bad value '" + value + "'");
        }
        return new Field(name, v, quality, category);
    }

    private static String required(XmlPullParser parser, String attribute) throws SmackParsingException {
        String v = parser.getAttributeValue(attribute);
        if (v == null) {
            throw new SmackParsingException("XEP-0323 " + parser.getName() + " element lacks its " + attribute + " attribute");
        }
        return v;
    }

    private static long parseLong(XmlPullParser parser, String attribute, long defaultValue) throws SmackParsingException {
        String v = parser.getAttributeValue(attribute);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new SmackParsingException("XEP-0323 " + attribute + " '" + v + "' is not a number");
        }
    }

    private static Instant parseInstant(XmlPullParser parser, String value) throws SmackParsingException {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            try {
                // XEP-0323's own examples omit the zone; xs:dateTime without one is read as UTC.
                return Instant.parse(value + "Z");
            } catch (DateTimeParseException again) {
                throw new SmackParsingException("XEP-0323 timestamp '" + value + "' is not an xs:dateTime");
            }
        }
    }
}
