package org.xmppiot.gateway.xmpp;

import java.io.IOException;
import java.io.Reader;

import javax.xml.namespace.QName;

import org.jivesoftware.smack.sm.packet.StreamManagement;
import org.jivesoftware.smack.xml.SmackXmlParser;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;
import org.jivesoftware.smack.xml.XmlPullParserFactory;

/**
 * The parser Smack reads an XMPP stream with, able to take the server's requests for our stream-management count
 * (XEP-0198 {@code <r/>}) aside instead of handing them to Smack. Smack answers each request the moment it reads it,
 * waking its writer thread for one small {@code <a/>}; servers such as Prosody ask again after every burst they send,
 * so a busy gateway woke its writer for an answer after nearly every batch of publish results. Taken aside, a
 * request is answered by {@link GuardedTcpConnection} with the next stanza it sends, in the same write, or within
 * its liveness check when it sends nothing.
 * <p>
 * Only a request that is a direct child of a stream's root ({@code <stream:stream>}) is taken, and only once the
 * connection has asked ({@link #takeAckRequests}): a parser of anything else, or an {@code <r/>} inside a stanza, is
 * read as it is. Every other call goes to the parser Smack would have used.
 */
final class AckRequestTap implements XmlPullParser {

    private static final String STREAMS = "http://etherx.jabber.org/streams";

    /** Makes every parser Smack creates from now on a tap over the one it would have made. Idempotent. */
    static synchronized void install() {
        XmlPullParserFactory current = SmackXmlParser.getXmlPullParserFactory();
        if (!(current instanceof Factory)) {
            SmackXmlParser.setXmlPullParserFactory(new Factory(current));
        }
    }

    private record Factory(XmlPullParserFactory parsers) implements XmlPullParserFactory {
        @Override
        public XmlPullParser newXmlPullParser(Reader reader) throws XmlPullParserException {
            return new AckRequestTap(parsers.newXmlPullParser(reader));
        }
    }

    private final XmlPullParser in;
    /** The root element read is a stream's. Reader thread only. */
    private boolean stream;
    /** Told each request taken; null until the connection asks, and then requests reach Smack no longer. */
    private volatile Runnable taker;

    private AckRequestTap(XmlPullParser in) {
        this.in = in;
    }

    /** From now on, the stream's ack requests go to {@code taker} (on the reader thread) instead of Smack. */
    void takeAckRequests(Runnable taker) {
        this.taker = taker;
    }

    boolean takesAckRequests() {
        return taker != null;
    }

    @Override
    public Event next() throws IOException, XmlPullParserException {
        Event event = in.next();
        while (event == Event.START_ELEMENT) {
            int depth = in.getDepth();
            if (depth == 1) {
                stream = "stream".equals(in.getName()) && STREAMS.equals(in.getNamespace());
            }
            Runnable take = taker;
            if (take == null || !stream || depth != 2 || !"r".equals(in.getName())
                    || !StreamManagement.NAMESPACE.equals(in.getNamespace())) {
                break;
            }
            skipElement();
            take.run();
            event = in.next();
        }
        return event;
    }

    /** Reads past the end of the element just started (a request is empty; a server could still put something in it). */
    private void skipElement() throws IOException, XmlPullParserException {
        for (int open = 1; open > 0; ) {
            switch (in.next()) {
                case START_ELEMENT -> open++;
                case END_ELEMENT -> open--;
                case END_DOCUMENT -> throw new XmlPullParserException("stream ended inside <r/>");
                default -> {
                }
            }
        }
    }

    @Override
    public Object getProperty(String name) {
        return in.getProperty(name);
    }

    @Override
    public String getInputEncoding() {
        return in.getInputEncoding();
    }

    @Override
    public int getNamespaceCount() throws XmlPullParserException {
        return in.getNamespaceCount();
    }

    @Override
    public String getNamespacePrefix(int pos) throws XmlPullParserException {
        return in.getNamespacePrefix(pos);
    }

    @Override
    public String getNamespaceUri(int pos) throws XmlPullParserException {
        return in.getNamespaceUri(pos);
    }

    @Override
    public String getNamespace(String prefix) {
        return in.getNamespace(prefix);
    }

    @Override
    public String getDefaultNamespace() {
        return in.getDefaultNamespace();
    }

    @Override
    public int getDepth() {
        return in.getDepth();
    }

    @Override
    public String getPositionDescription() {
        return in.getPositionDescription();
    }

    @Override
    public int getLineNumber() {
        return in.getLineNumber();
    }

    @Override
    public int getColumnNumber() {
        return in.getColumnNumber();
    }

    @Override
    public boolean isWhiteSpace() throws XmlPullParserException {
        return in.isWhiteSpace();
    }

    @Override
    public String getText() {
        return in.getText();
    }

    @Override
    public String getNamespace() {
        return in.getNamespace();
    }

    @Override
    public String getName() {
        return in.getName();
    }

    @Override
    public QName getQName() {
        return in.getQName();
    }

    @Override
    public String getPrefix() {
        return in.getPrefix();
    }

    @Override
    public int getAttributeCount() {
        return in.getAttributeCount();
    }

    @Override
    public String getAttributeNamespace(int index) {
        return in.getAttributeNamespace(index);
    }

    @Override
    public String getAttributeName(int index) {
        return in.getAttributeName(index);
    }

    @Override
    public QName getAttributeQName(int index) {
        return in.getAttributeQName(index);
    }

    @Override
    public String getAttributePrefix(int index) {
        return in.getAttributePrefix(index);
    }

    @Override
    public String getAttributeType(int index) {
        return in.getAttributeType(index);
    }

    @Override
    public String getAttributeValue(int index) {
        return in.getAttributeValue(index);
    }

    @Override
    public String getAttributeValue(String namespace, String name) {
        return in.getAttributeValue(namespace, name);
    }

    @Override
    public String getAttributeValue(String name) {
        return in.getAttributeValue(name);
    }

    @Override
    public Event getEventType() throws XmlPullParserException {
        return in.getEventType();
    }

    @Override
    public String nextText() throws IOException, XmlPullParserException {
        return in.nextText();
    }

    @Override
    public TagEvent nextTag() throws IOException, XmlPullParserException {
        return in.nextTag();
    }

    @Override
    public boolean supportsRoundtrip() {
        return in.supportsRoundtrip();
    }
}
