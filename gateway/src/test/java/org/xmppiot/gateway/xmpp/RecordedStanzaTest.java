package org.xmppiot.gateway.xmpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;

import org.jivesoftware.smack.xml.SmackXmlParser;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;
import org.junit.jupiter.api.Test;

class RecordedStanzaTest {

    private static final String STREAM_HEAD = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

    /** The parser at the start tag of the stream's first stanza. */
    private static XmlPullParser atFirstStanza(String stanzas) throws Exception {
        XmlPullParser p = SmackXmlParser.newXmlParser(new StringReader(STREAM_HEAD + stanzas));
        while (p.next() != XmlPullParser.Event.START_ELEMENT || p.getDepth() != 2) {
            // Past the stream's own start tag.
        }
        return p;
    }

    private static void toNextStanza(XmlPullParser p) throws Exception {
        while (p.next() != XmlPullParser.Event.START_ELEMENT) {
            // Whitespace between stanzas.
        }
    }

    @Test
    void aSkippedStanzaLeavesTheStreamAtItsEndTagWhateverItHolds() throws Exception {
        XmlPullParser p = atFirstStanza("<iq type='result' id='a1'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                + "<publish node='n'><item id='i'><iq type='set' id='inner'/>text &amp; more</item></publish></pubsub></iq>"
                + "\n<message id='m2'><body>after</body></message>");

        RecordedStanza.skip(p);

        assertThat(p.getEventType()).isEqualTo(XmlPullParser.Event.END_ELEMENT);
        assertThat(p.getName()).isEqualTo("iq");
        toNextStanza(p);
        RecordedStanza next = RecordedStanza.read(p);
        assertThat(next.events().get(0).name()).isEqualTo("message");
        assertThat(next.toXml()).contains("<body>after</body>");
    }

    @Test
    void aStanzaWithoutChildrenIsSkippedAsWell() throws Exception {
        XmlPullParser p = atFirstStanza("<iq type='result' id='a1'/><iq type='result' id='a2'></iq>");

        RecordedStanza.skip(p);
        toNextStanza(p);

        assertThat(p.getAttributeValue("", "id")).isEqualTo("a2");
        RecordedStanza.skip(p);
        assertThat(p.getName()).isEqualTo("iq");
        assertThat(p.getEventType()).isEqualTo(XmlPullParser.Event.END_ELEMENT);
    }

    @Test
    void aStreamThatEndsInsideTheSkippedStanzaIsAnError() throws Exception {
        XmlPullParser p = atFirstStanza("<iq type='result' id='a1'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='n'>");

        assertThatThrownBy(() -> RecordedStanza.skip(p)).isInstanceOf(XmlPullParserException.class);
    }
}
