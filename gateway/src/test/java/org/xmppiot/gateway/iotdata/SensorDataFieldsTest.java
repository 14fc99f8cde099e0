package org.xmppiot.gateway.iotdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.jivesoftware.smack.parsing.SmackParsingException;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.junit.jupiter.api.Test;
import org.xmppiot.core.model.Category;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Quality;
import org.xmppiot.core.model.Reading;
import org.xmppiot.gateway.iotdata.SensorDataFields;
import org.xmppiot.gateway.iotdata.provider.SensorDataFieldsProvider;

class SensorDataFieldsTest {

    private static final Instant T = Instant.parse("2026-11-25T10:15:30.250Z");

    private static SensorDataFields parse(String xml) throws Exception {
        XmlPullParser parser = PacketParserUtils.getParserFor(xml);
        return new SensorDataFieldsProvider().parse(parser);
    }

    @Test
    void writesTheXep0323FieldsElement() {
        Reading r = new Reading("greenhouse", 7, T, List.of(
                Field.readout("temperature", new FieldValue.NumericValue(new BigDecimal("23.40"), "°C")),
                Field.readout("door", new FieldValue.BooleanValue(true)),
                Field.readout("pulses", new FieldValue.IntegerValue(12)),
                Field.readout("energy", new FieldValue.IntegerValue(5_000_000_000L)),
                new Field("state", new FieldValue.StringValue("a<b & \"c\""), Set.of(Quality.WARNING)),
                Field.status("link", "connected")));
        String xml = SensorDataFields.of(r).toXML().toString();
        assertThat(xml).isEqualTo("<fields xmlns='urn:xmpp:iot:sensordata' seqnr='7' done='true'>"
                + "<node nodeId='greenhouse'><timestamp value='2026-11-25T10:15:30.250Z'>"
                + "<numeric name='temperature' momentary='true' automaticReadout='true' value='23.40' unit='°C'/>"
                + "<boolean name='door' momentary='true' automaticReadout='true' value='true'/>"
                + "<int name='pulses' momentary='true' automaticReadout='true' value='12'/>"
                + "<long name='energy' momentary='true' automaticReadout='true' value='5000000000'/>"
                + "<string name='state' momentary='true' warning='true' value='a&lt;b &amp; \"c\"'/>"
                + "<string name='link' status='true' automaticReadout='true' value='connected'/>"
                + "</timestamp></node></fields>");
    }

    @Test
    void whateverADeviceSendsStaysWellFormedAndComesBackAsSentWhereverXmlAllowsIt() throws Exception {
        String sent = "it's <b>&\"x\"\ttab\nline\r\u0001bell\u0007";
        Reading r = new Reading("thing's", 5, T, List.of(new Field("na'me<", new FieldValue.StringValue(sent), Set.of()),
                Field.readout("t", new FieldValue.NumericValue(new BigDecimal("1.0"), "'C"))));
        String xml = SensorDataFields.of(r).toXML().toString();
        assertThat(xml).doesNotContain("\u0001").doesNotContain("\u0007").doesNotContain("\t").doesNotContain("\n");
        Reading back = parse(xml).readings().get(0);
        assertThat(back.thingId()).isEqualTo("thing's");
        assertThat(back.fields().get(0).name()).isEqualTo("na'me<");
        // Tab and line ends survive; the control characters XML 1.0 forbids arrive as U+FFFD.
        assertThat(back.fields().get(0).value()).isEqualTo(new FieldValue.StringValue("it's <b>&\"x\"\ttab\nline\r\uFFFDbell\uFFFD"));
        assertThat(back.fields().get(1).value()).isEqualTo(new FieldValue.NumericValue(new BigDecimal("1.0"), "'C"));
    }

    @Test
    void aSubscriberTellsStatusReadingsFromMeasurementsByTheStatusCategory() throws Exception {
        // An item as a node delivers it: a measurement, then the thing's status change (docs/xmpp.md).
        SensorDataFields item = parse("<fields xmlns='urn:xmpp:iot:sensordata' seqnr='-3' done='true'><node nodeId='dust'>"
                + "<timestamp value='2026-11-25T10:15:30.250Z'>"
                + "<numeric name='pm2.5' momentary='true' missing='true' value='12.3' unit='µg/m³'/></timestamp>"
                + "<timestamp value='2026-11-25T10:15:30.300Z'>"
                + "<string name='status' status='true' automaticReadout='true' error='true' value='offline: device gone (read error 5)'/>"
                + "</timestamp></node></fields>");
        assertThat(item.readings()).extracting(Reading::isStatus).containsExactly(false, true);
        // A measurement that happens to have a field named status is a measurement; so is one with a status field among others.
        assertThat(new Reading("t", 1, T, List.of(Field.readout("status", new FieldValue.StringValue("ok")))).isStatus()).isFalse();
        assertThat(new Reading("t", 1, T, List.of(Field.status("status", "online"), Field.readout("v", new FieldValue.IntegerValue(1))))
                .isStatus()).isFalse();
    }

    @Test
    void roundTripsEveryFieldTypeAndKeepsDecimals() throws Exception {
        Reading r = new Reading("tank", 3, T, List.of(
                Field.readout("level", new FieldValue.NumericValue(new BigDecimal("120.500"), "cm")),
                Field.readout("ratio", new FieldValue.NumericValue(new BigDecimal("0.5"), "")),
                Field.readout("pump", new FieldValue.BooleanValue(false)),
                Field.readout("starts", new FieldValue.IntegerValue(-4)),
                Field.readout("firmware", new FieldValue.StringValue("1.2.3")),
                Field.status("serial-port", "waiting (no device at /dev/ttyUSB0)"),
                new Field("model", new FieldValue.StringValue("SDS011"), Set.of(Quality.AUTOMATIC_READOUT), Category.IDENTITY)));
        SensorDataFields parsed = parse(SensorDataFields.of(r).toXML().toString());
        assertThat(parsed.seqnr()).isEqualTo(3);
        assertThat(parsed.done()).isTrue();
        assertThat(parsed.readings()).containsExactly(r);
        BigDecimal level = ((FieldValue.NumericValue) parsed.readings().get(0).field("level").value()).value();
        assertThat(level.toPlainString()).isEqualTo("120.500");
    }

    @Test
    void readsTheExampleFromTheXep() throws Exception {
        SensorDataFields f = parse("""
                <fields xmlns='urn:xmpp:iot:sensordata' seqnr='1' done='true'>
                  <node nodeId='Device01'>
                    <timestamp value='2013-03-07T16:24:30'>
                      <numeric name='Temperature' momentary='true' automaticReadout='true' value='23.4' unit='°C'/>
                    </timestamp>
                  </node>
                </fields>""");
        assertThat(f.readings()).singleElement().satisfies(r -> {
            assertThat(r.thingId()).isEqualTo("Device01");
            assertThat(r.timestamp()).isEqualTo(Instant.parse("2013-03-07T16:24:30Z"));
            assertThat(r.fields()).containsExactly(
                    Field.readout("Temperature", new FieldValue.NumericValue(new BigDecimal("23.4"), "°C")));
        });
    }

    @Test
    void severalNodesAndTimestampsBecomeSeveralReadings() throws Exception {
        SensorDataFields f = parse("""
                <fields xmlns='urn:xmpp:iot:sensordata' seqnr='9'>
                  <node nodeId='a'>
                    <timestamp value='2026-01-01T00:00:00Z'><int name='n' value='1'/></timestamp>
                    <timestamp value='2026-01-01T00:00:01Z'><int name='n' value='2'/></timestamp>
                  </node>
                  <node nodeId='b'><timestamp value='2026-01-01T00:00:02Z'><boolean name='on' value='true'/></timestamp></node>
                </fields>""");
        assertThat(f.done()).isFalse();
        assertThat(f.readings()).extracting(Reading::thingId).containsExactly("a", "a", "b");
        assertThat(f.readings().get(1).field("n").value()).isEqualTo(new FieldValue.IntegerValue(2));
        assertThat(f.readings().get(0).field("n").quality()).isEmpty();
    }

    @Test
    void aLateBatchKeepsEveryReadingAndItsDelayStampAndOtherExtensionsAreSkipped() throws Exception {
        List<Reading> batch = List.of(
                new Reading("meter", 7, T, List.of(Field.readout("power", FieldValue.NumericValue.of(1200, 0, "W")))),
                new Reading("meter", 8, T.plusSeconds(1), List.of(Field.readout("power", FieldValue.NumericValue.of(1250, 0, "W")))));
        String xml = new SensorDataFields(7, true, batch, T).toXML().toString();
        assertThat(xml).containsOnlyOnce("<node nodeId='meter'>")
                .contains("<delay xmlns='urn:xmpp:delay' stamp='2026-11-25T10:15:30.250Z'/>");
        SensorDataFields parsed = parse(xml.replace("<delay", "<signature xmlns='urn:example:sig'><v>x</v></signature><delay"));
        assertThat(parsed.delayedSince()).isEqualTo(T);
        assertThat(parsed.readings()).extracting(Reading::timestamp).containsExactly(T, T.plusSeconds(1));
        assertThat(parsed.readings()).extracting(r -> r.field("power").value()).containsExactly(
                batch.get(0).field("power").value(), batch.get(1).field("power").value());
        assertThat(parse(SensorDataFields.of(batch.get(0)).toXML().toString()).delayedSince()).isNull();
    }

    @Test
    void anItemOfSeveralReadingsGivesEachItsOwnSeqnrWhileAReadoutAnswerKeepsTheRequests() throws Exception {
        List<Reading> batch = List.of(
                new Reading("meter", 7, T, List.of(Field.readout("power", FieldValue.NumericValue.of(1200, 0, "W")))),
                new Reading("meter", 8, T.plusSeconds(1), List.of(Field.readout("power", FieldValue.NumericValue.of(1250, 0, "W")))),
                new Reading("meter", 9, T.plusSeconds(2), List.of(Field.readout("power", FieldValue.NumericValue.of(1300, 0, "W")))));
        SensorDataFields parsed = parse(new SensorDataFields(7, true, batch).toXML().toString());

        assertThat(parsed.itemReadings()).isEqualTo(batch);
        assertThat(parsed.readings()).extracting(Reading::sequence).containsOnly(7L);
        Reading status = new Reading("meter", -3, T, List.of(Field.status("status", "online")));
        assertThat(parse(SensorDataFields.of(status).toXML().toString()).itemReadings()).containsExactly(status);
    }

    @Test
    void badValuesAreParsingErrorsNamingTheField() {
        SmackParsingException e = assertThrows(SmackParsingException.class, () -> parse(
                "<fields xmlns='urn:xmpp:iot:sensordata' seqnr='1'><node nodeId='a'><timestamp value='2026-01-01T00:00:00Z'>"
                        + "<numeric name='t' value='warm' unit='°C'/></timestamp></node></fields>"));
        assertThat(e.getMessage()).contains("numeric field 't' has a bad value 'warm'");
        SmackParsingException time = assertThrows(SmackParsingException.class, () -> parse(
                "<fields xmlns='urn:xmpp:iot:sensordata' seqnr='1'><node nodeId='a'><timestamp value='yesterday'/></node></fields>"));
        assertThat(time.getMessage()).contains("'yesterday' is not an xs:dateTime");
    }
}
