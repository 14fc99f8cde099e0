package org.xmppiot.gateway.xmpp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/**
 * One top-level stanza, read off the stream once as the list of its parse events. The stream's parser walks it to its
 * end tag here and nowhere else, so its depth cannot be spoilt by a provider; providers get a
 * {@link RecordedStanzaParser} over the events, which nothing they do can move past the stanza. This replaces copying
 * the stanza to text and parsing that text a second time.
 */
final class RecordedStanza {

    /** One START_ELEMENT, END_ELEMENT or TEXT_CHARACTERS event; element events carry the element's names. */
    record Event(XmlPullParser.Event type, String name, String namespace, String prefix, String text, int depth,
                 List<Attribute> attributes, List<String[]> declarations) {
    }

    /** An attribute: local name, namespace ("" for none), prefix ("" for none), value. */
    record Attribute(String name, String namespace, String prefix, String value) {
    }

    private final List<Event> events;
    private final int chars;

    private RecordedStanza(List<Event> events, int chars) {
        this.events = events;
        this.chars = chars;
    }

    /** Records the stanza whose start tag {@code stream} is at, leaving the stream at its end tag. */
    static RecordedStanza read(XmlPullParser stream) throws XmlPullParserException, IOException {
        List<Event> events = new ArrayList<>();
        int top = stream.getDepth();
        int chars = 0;
        XmlPullParser.Event type = stream.getEventType();
        while (true) {
            int depth = stream.getDepth() - top + 1;
            switch (type) {
                case START_ELEMENT -> {
                    List<Attribute> attributes = new ArrayList<>(stream.getAttributeCount());
                    for (int i = 0; i < stream.getAttributeCount(); i++) {
                        String value = stream.getAttributeValue(i);
                        attributes.add(new Attribute(stream.getAttributeName(i), orEmpty(stream.getAttributeNamespace(i)),
                                orEmpty(stream.getAttributePrefix(i)), value));
                        chars += value.length() + stream.getAttributeName(i).length() + 4;
                    }
                    List<String[]> declarations = List.of();
                    int declared = stream.getNamespaceCount();
                    if (declared > 0) {
                        declarations = new ArrayList<>(declared);
                        for (int i = 0; i < declared; i++) {
                            declarations.add(new String[] {orEmpty(stream.getNamespacePrefix(i)), orEmpty(stream.getNamespaceUri(i))});
                        }
                    }
                    // A stanza inherits the stream's default namespace (jabber:client), which the stream declared.
                    if (events.isEmpty() && (stream.getPrefix() == null || stream.getPrefix().isEmpty())) {
                        declarations = withDefault(declarations, orEmpty(stream.getNamespace()));
                    }
                    chars += 2 * stream.getName().length() + 5;
                    events.add(new Event(type, stream.getName(), orEmpty(stream.getNamespace()), orEmpty(stream.getPrefix()), null, depth,
                            attributes, declarations));
                }
                case END_ELEMENT -> {
                    events.add(new Event(type, stream.getName(), orEmpty(stream.getNamespace()), orEmpty(stream.getPrefix()), null,
                            depth, List.of(), List.of()));
                    if (depth == 1) {
                        return new RecordedStanza(events, chars);
                    }
                }
                case TEXT_CHARACTERS, IGNORABLE_WHITESPACE, ENTITY_REFERENCE -> {
                    String text = stream.getText();
                    if (text != null && !text.isEmpty()) {
                        chars += text.length();
                        events.add(new Event(XmlPullParser.Event.TEXT_CHARACTERS, null, null, null, text, depth, List.of(), List.of()));
                    }
                }
                case END_DOCUMENT -> throw new XmlPullParserException("the stream ended inside a stanza");
                default -> {
                    // Comments and processing instructions carry nothing a stanza means (RFC 6120 forbids them).
                }
            }
            type = stream.next();
        }
    }

    /** Reads past the stanza whose start tag {@code stream} is at, keeping nothing, leaving the stream at its end tag. */
    static void skip(XmlPullParser stream) throws XmlPullParserException, IOException {
        int top = stream.getDepth();
        XmlPullParser.Event type = stream.getEventType();
        while (type != XmlPullParser.Event.END_ELEMENT || stream.getDepth() != top) {
            if (type == XmlPullParser.Event.END_DOCUMENT) {
                throw new XmlPullParserException("the stream ended inside a stanza");
            }
            type = stream.next();
        }
    }

    private static List<String[]> withDefault(List<String[]> declarations, String namespace) {
        for (String[] d : declarations) {
            if (d[0].isEmpty()) {
                return declarations;
            }
        }
        List<String[]> all = new ArrayList<>(declarations);
        all.add(new String[] {"", namespace});
        return all;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    List<Event> events() {
        return events;
    }

    /** About how many characters the stanza has as text: what the size limit is judged by. */
    int chars() {
        return chars;
    }

    /** A parser positioned at the stanza's start tag, as one over its text would be. */
    XmlPullParser parser() {
        return new RecordedStanzaParser(events);
    }

    /** The stanza as XML text, for the log when it is dropped; not on the path of a stanza that parses. */
    String toXml() {
        StringBuilder b = new StringBuilder(chars + 16);
        for (Event e : events) {
            switch (e.type()) {
                case START_ELEMENT -> {
                    b.append('<').append(qualified(e.prefix(), e.name()));
                    for (String[] d : e.declarations()) {
                        b.append(d[0].isEmpty() ? " xmlns" : " xmlns:" + d[0]).append("='").append(escape(d[1])).append('\'');
                    }
                    for (Attribute a : e.attributes()) {
                        b.append(' ').append(qualified(a.prefix(), a.name())).append("='").append(escape(a.value())).append('\'');
                    }
                    b.append('>');
                }
                case END_ELEMENT -> b.append("</").append(qualified(e.prefix(), e.name())).append('>');
                default -> b.append(escape(e.text()));
            }
        }
        return b.toString();
    }

    private static String qualified(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + ":" + name;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;");
    }
}
