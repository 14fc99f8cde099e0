package org.xmppiot.gateway.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PublishItem;
import org.jivesoftware.smackx.pubsub.packet.PubSub;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.impl.JidCreate;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.gateway.iotdata.SensorDataFields;
import org.xmppiot.gateway.iotdata.provider.SensorDataFieldsProvider;

class PublishRequestTest {

    private static final Instant T = Instant.parse("2026-12-05T10:15:30.250Z");

    private static List<Reading> readings(String thing) {
        return List.of(
                new Reading(thing, 41, T, List.of(Field.readout("temperature", new FieldValue.NumericValue(new BigDecimal("21.5"), "°C")))),
                new Reading(thing, 42, T.plusMillis(40), List.of(Field.readout("temperature", new FieldValue.NumericValue(new BigDecimal("21.6"), "°C")))));
    }

    @Test
    void writesXep0060sPublishWithThePayloadAsSmacksPubSubWouldCarryIt() throws Exception {
        BareJid service = JidCreate.bareFrom("pubsub.example.org");
        for (Instant late : new Instant[] {null, T}) {
            SensorDataFields payload = new SensorDataFields(41, true, readings("meter"), late);
            PublishRequest ours = new PublishRequest(service, "gw/meter", "1764929730250-41", payload);

            // XEP-0060 7.1.1: the item's payload exactly as Smack writes it inside its own publish (which also repeats the
            // pubsub namespace on <publish> and the node on <item>, neither of which the XEP has there).
            PubSub smacks = PubSub.createPubsubPacket(service, IQ.Type.set,
                    new PublishItem<>("gw/meter", new PayloadItem<>("1764929730250-41", "gw/meter", payload)));
            String smacksPayload = smacks.toXML().toString().replaceAll("^.*<item [^>]*>(.*)</item>.*$", "$1");
            assertThat(ours.toXML().toString()).isEqualTo("<iq xmlns='jabber:client' to='pubsub.example.org' id='"
                    + ours.getStanzaId() + "' type='set'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                    + "<publish node='gw/meter'><item id='1764929730250-41'>" + smacksPayload + "</item></publish></pubsub></iq>");
            assertThat(smacksPayload).startsWith("<fields xmlns='urn:xmpp:iot:sensordata' seqnr='41' done='true'><node nodeId='meter'>")
                    .contains(late == null ? "</node></fields>" : "</node><delay xmlns='urn:xmpp:delay' stamp='" + T + "'/></fields>");
        }
    }

    @Test
    void oddNodeNamesAndThingsStayWellFormedAndReadBackAsGiven() throws Exception {
        String node = "gw/it's <a&b>";
        SensorDataFields payload = new SensorDataFields(41, true, readings("thing's & <co>"));
        String xml = new PublishRequest(JidCreate.bareFrom("pubsub.example.org"), node, "7-41", payload).toXML().toString();

        XmlPullParser parser = PacketParserUtils.getParserFor(xml);
        String publishedTo = null;
        String itemId = null;
        SensorDataFields back = null;
        while (parser.next() != XmlPullParser.Event.END_DOCUMENT) {
            if (parser.getEventType() != XmlPullParser.Event.START_ELEMENT) {
                continue;
            }
            switch (parser.getName()) {
                case "publish" -> publishedTo = parser.getAttributeValue("", "node");
                case "item" -> itemId = parser.getAttributeValue("", "id");
                case "fields" -> back = new SensorDataFieldsProvider().parse(parser);
                default -> { }
            }
        }
        assertThat(publishedTo).isEqualTo(node);
        assertThat(itemId).isEqualTo("7-41");
        assertThat(back).isNotNull();
        assertThat(back.readings()).extracting(Reading::thingId).containsOnly("thing's & <co>");
        assertThat(back.readings()).extracting(Reading::timestamp).containsExactly(T, T.plusMillis(40));
    }

    @Test
    void anAnswerCountsOnlyFromWhereThePublishWentAsSmacksReplyFilterDecides() throws Exception {
        BareJid service = JidCreate.bareFrom("pubsub.example.org");
        EntityFullJid us = JidCreate.entityFullFrom("gw@example.org/gateway");

        assertThat(PublishAnswers.answersFrom(service, JidCreate.from("pubsub.example.org"), us)).isTrue();
        assertThat(PublishAnswers.answersFrom(service, JidCreate.from("mallory@example.org/x"), us)).isFalse();
        assertThat(PublishAnswers.answersFrom(service, JidCreate.from("example.org"), us)).isFalse();
        assertThat(PublishAnswers.answersFrom(service, null, us)).isFalse();
        // Our own PEP service: our server answers for us, with our bare JID or with no address at all.
        assertThat(PublishAnswers.answersFrom(us.asBareJid(), JidCreate.from("gw@example.org"), us)).isTrue();
        assertThat(PublishAnswers.answersFrom(us.asBareJid(), null, us)).isTrue();
        assertThat(PublishAnswers.answersFrom(us.asBareJid(), JidCreate.from("gw@example.org/other"), us)).isFalse();
    }
}
