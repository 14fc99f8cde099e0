package org.xmppiot.gateway.xmpp;

import java.util.ArrayList;
import java.util.List;

import javax.xml.namespace.QName;

import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/**
 * Smack's pull parser over the events of one {@link RecordedStanza}: providers read the stanza as they would from the
 * stream, starting at its start tag, and after its end tag there is only the end of the document. As with the StAX
 * parser Smack uses, attributes exist only on a start tag.
 */
final class RecordedStanzaParser implements XmlPullParser {

    private final List<RecordedStanza.Event> events;
    /** The namespace declarations in scope, innermost last; one list per open element. */
    private final List<List<String[]>> scopes = new ArrayList<>();
    private int at;
    private boolean endReported;
    /** Calls left before the provider is taken to be looping; see {@link #ask()}. */
    private long budget;

    RecordedStanzaParser(List<RecordedStanza.Event> events) {
        this.events = events;
        this.budget = 4_096 + 64L * events.size();
        scopes.add(events.get(0).declarations());
    }

    /**
     * Counts one call. A provider that keeps asking without ever getting to the end is looping: Smack 4.4.8's user tune
     * provider, given a nested element, spins on {@code getDepth()} for ever, which on the reader thread would leave the
     * session deaf. Past a generous budget every call throws an error, which no provider's {@code catch (Exception)}
     * swallows, so the stanza is dropped and the stream read on.
     */
    private void ask() {
        if (--budget < 0) {
            throw new RunawayProvider(events.get(0).name(), events.size());
        }
    }

    /** Thrown at a provider that kept asking the parser far more than its stanza has to tell. */
    static final class RunawayProvider extends Error {
        RunawayProvider(String stanza, int events) {
            super("a provider kept reading a " + stanza + " of " + events + " parse events without finishing it", null, false, false);
        }
    }

    private RecordedStanza.Event current() {
        return at < events.size() ? events.get(at) : null;
    }

    private RecordedStanza.Event element() {
        RecordedStanza.Event e = current();
        if (e == null || e.type() != Event.START_ELEMENT && e.type() != Event.END_ELEMENT) {
            return null;
        }
        return e;
    }

    private RecordedStanza.Event startTag() {
        RecordedStanza.Event e = current();
        if (e == null || e.type() != Event.START_ELEMENT) {
            throw new IllegalStateException("not at a start tag (at " + getEventType() + "): attributes exist only there");
        }
        return e;
    }

    /**
     * The next event; past the stanza's end tag the end of the document, once. Asked again, it throws, as StAX does: a
     * provider that loops until some tag that never comes (Smack's user tune provider on a nested tune, for one) must
     * fail, not spin on the reader thread for ever.
     */
    @Override
    public Event next() throws XmlPullParserException {
        ask();
        RecordedStanza.Event e = current();
        if (e == null) {
            if (endReported) {
                throw new XmlPullParserException("read past the end of the stanza");
            }
            endReported = true;
            return Event.END_DOCUMENT;
        }
        if (e.type() == Event.END_ELEMENT) {
            scopes.remove(scopes.size() - 1);
        }
        at++;
        RecordedStanza.Event n = current();
        if (n != null && n.type() == Event.START_ELEMENT) {
            scopes.add(n.declarations());
        }
        return getEventType();
    }

    @Override
    public Event getEventType() {
        ask();
        RecordedStanza.Event e = current();
        return e == null ? Event.END_DOCUMENT : e.type();
    }

    @Override
    public String nextText() throws XmlPullParserException {
        ask();
        if (getEventType() != Event.START_ELEMENT) {
            throw new XmlPullParserException("nextText() needs a start tag, not " + getEventType());
        }
        StringBuilder text = new StringBuilder();
        while (next() == Event.TEXT_CHARACTERS) {
            text.append(getText());
        }
        if (getEventType() != Event.END_ELEMENT) {
            throw new XmlPullParserException("an element inside text-only element " + getName());
        }
        return text.toString();
    }

    @Override
    public TagEvent nextTag() throws XmlPullParserException {
        ask();
        Event e = next();
        while (e == Event.TEXT_CHARACTERS && isWhiteSpace()) {
            e = next();
        }
        return switch (e) {
            case START_ELEMENT -> TagEvent.START_ELEMENT;
            case END_ELEMENT -> TagEvent.END_ELEMENT;
            default -> throw new XmlPullParserException("expected a tag, found " + e);
        };
    }

    @Override
    public int getDepth() {
        ask();
        RecordedStanza.Event e = current();
        return e == null ? 0 : e.depth();
    }

    @Override
    public String getText() {
        ask();
        RecordedStanza.Event e = current();
        return e == null || e.type() != Event.TEXT_CHARACTERS ? null : e.text();
    }

    @Override
    public boolean isWhiteSpace() {
        ask();
        String text = getText();
        return text != null && text.isBlank();
    }

    @Override
    public String getName() {
        ask();
        RecordedStanza.Event e = element();
        return e == null ? null : e.name();
    }

    @Override
    public String getNamespace() {
        ask();
        RecordedStanza.Event e = element();
        return e == null ? null : e.namespace();
    }

    @Override
    public String getPrefix() {
        ask();
        RecordedStanza.Event e = element();
        return e == null ? null : e.prefix();
    }

    @Override
    public QName getQName() {
        ask();
        RecordedStanza.Event e = element();
        return e == null ? null : new QName(e.namespace(), e.name(), e.prefix());
    }

    @Override
    public String getNamespace(String prefix) {
        ask();
        String wanted = prefix == null ? "" : prefix;
        for (int i = scopes.size() - 1; i >= 0; i--) {
            for (String[] d : scopes.get(i)) {
                if (d[0].equals(wanted)) {
                    return d[1];
                }
            }
        }
        return null;
    }

    @Override
    public int getNamespaceCount() {
        ask();
        return startTag().declarations().size();
    }

    @Override
    public String getNamespacePrefix(int pos) {
        ask();
        String prefix = startTag().declarations().get(pos)[0];
        return prefix.isEmpty() ? null : prefix;
    }

    @Override
    public String getNamespaceUri(int pos) {
        ask();
        return startTag().declarations().get(pos)[1];
    }

    @Override
    public int getAttributeCount() {
        ask();
        RecordedStanza.Event e = current();
        return e == null || e.type() != Event.START_ELEMENT ? -1 : e.attributes().size();
    }

    @Override
    public String getAttributeName(int index) {
        ask();
        return startTag().attributes().get(index).name();
    }

    @Override
    public String getAttributeNamespace(int index) {
        ask();
        return startTag().attributes().get(index).namespace();
    }

    @Override
    public String getAttributePrefix(int index) {
        ask();
        String prefix = startTag().attributes().get(index).prefix();
        return prefix.isEmpty() ? null : prefix;
    }

    @Override
    public QName getAttributeQName(int index) {
        ask();
        RecordedStanza.Attribute a = startTag().attributes().get(index);
        return new QName(a.namespace(), a.name(), a.prefix());
    }

    @Override
    public String getAttributeType(int index) {
        ask();
        startTag().attributes().get(index);
        return "CDATA";
    }

    @Override
    public String getAttributeValue(int index) {
        ask();
        return startTag().attributes().get(index).value();
    }

    @Override
    public String getAttributeValue(String namespace, String name) {
        ask();
        for (RecordedStanza.Attribute a : startTag().attributes()) {
            // As StAX: a null namespace matches any, "" only attributes without one.
            if (a.name().equals(name) && (namespace == null || namespace.equals(a.namespace()))) {
                return a.value();
            }
        }
        return null;
    }

    @Override
    public Object getProperty(String name) {
        ask();
        return null;
    }

    @Override
    public String getInputEncoding() {
        ask();
        return "UTF-8";
    }

    @Override
    public String getPositionDescription() {
        ask();
        return "event " + at + " of a stanza of " + events.size();
    }

    @Override
    public int getLineNumber() {
        ask();
        return -1;
    }

    @Override
    public int getColumnNumber() {
        ask();
        return -1;
    }

    @Override
    public boolean supportsRoundtrip() {
        ask();
        return false;
    }
}
