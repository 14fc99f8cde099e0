package org.xmppiot.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.xmppiot.core.model.Channel;
import org.xmppiot.core.model.Command;
import org.xmppiot.core.testing.RecordingSink;
import org.xmppiot.core.thing.ThingRegistry;
import org.xmppiot.gateway.access.AccessPolicy;
import org.xmppiot.gateway.config.AccessConfig;
import org.xmppiot.gateway.testing.FakeSession;
import org.xmppiot.gateway.testing.Heater;

/**
 * XEP-0325 control decided on an in-memory session: owners set a thing's settable fields within their range, and
 * nobody else sets anything; every refusal names its reason with the XEP's error conditions. (End to end on Prosody:
 * ReadoutAndControlTest and AccessPolicyTest.)
 */
class ControlOnASessionTest {

    private static final String OWNER = "owner@example.org/phone";
    private static final String READER = "reader@example.org/laptop";

    private final FakeSession session = new FakeSession("gateway@example.org/gateway");
    private List<Command> done;

    @BeforeEach
    void start() throws Exception {
        ThingRegistry things = new ThingRegistry(new RecordingSink());
        done = Heater.in(things, "heater").done();
        AccessPolicy access = AccessPolicy.of(new AccessConfig(List.of("owner@example.org"), List.of("reader@example.org"), List.of(
                new AccessConfig.ThingAccess("heat*", List.of("viewer@elsewhere.example"), List.of("plumber@elsewhere.example")),
                new AccessConfig.ThingAccess("boiler", List.of(), List.of("boilerman@elsewhere.example")))));
        new ControlService(access, things).sessionStarted(session);
    }

    private IQ set(String from, String parameters) throws Exception {
        var parser = PacketParserUtils.getParserFor("<set xmlns='urn:xmpp:iot:control'><node nodeId='heater'/>" + parameters + "</set>");
        ControlSet request = new ControlSetProvider().parse(parser, parser.getDepth(), null, null);
        request.setType(IQ.Type.set);
        request.setFrom(JidCreate.from(from));
        request.setTo(session.self());
        return session.deliver(request);
    }

    @Test
    void anOwnerSetsASettableFieldWithinItsRange() throws Exception {
        IQ answer = set(OWNER, "<double name='setpoint' value='21.5'/>");
        assertThat(answer.getType()).isEqualTo(IQ.Type.result);
        assertThat(answer.getChildElementName()).isEqualTo(ControlSet.RESPONSE);
        assertThat(done).singleElement().satisfies(c -> {
            assertThat(c.thingId()).isEqualTo("heater");
            assertThat(c.field()).isEqualTo("setpoint");
            assertThat(Channel.number(c.value())).isEqualByComparingTo("21.5");
            assertThat(c.origin()).isEqualTo(OWNER);
        });
        assertThat(session.features()).contains(ControlSet.NAMESPACE);
    }

    @Test
    void aReaderAStrangerAndBadRequestsAreRefusedWithTheirReasonAndChangeNothing() throws Exception {
        assertThat(set(READER, "<double name='setpoint' value='21'/>").getError().getCondition())
                .isEqualTo(StanzaError.Condition.forbidden);
        assertThat(set("someone@elsewhere.example/x", "<double name='setpoint' value='21'/>").getError().getCondition())
                .isEqualTo(StanzaError.Condition.forbidden);
        IQ tooHot = set(OWNER, "<double name='setpoint' value='80'/>");
        assertThat(tooHot.getError().getCondition()).isEqualTo(StanzaError.Condition.bad_request);
        assertThat(tooHot.getError().getDescriptiveText()).contains("5").contains("30");
        assertThat(set(OWNER, "<double name='temperature' value='20'/>").getError().getCondition())
                .isEqualTo(StanzaError.Condition.not_allowed);
        assertThat(set(OWNER, "<double name='humidity' value='20'/>").getError().getCondition())
                .isEqualTo(StanzaError.Condition.item_not_found);
        assertThat(set(OWNER, "<boolean name='setpoint' value='maybe'/>").getError().getCondition())
                .isEqualTo(StanzaError.Condition.bad_request);
        assertThat(done).isEmpty();
    }

    @Test
    void aControllerOfAThingSetsThatThingOnlyAndAReaderOfItNothing() throws Exception {
        assertThat(set("plumber@elsewhere.example/van", "<double name='setpoint' value='22'/>").getType()).isEqualTo(IQ.Type.result);
        assertThat(set("viewer@elsewhere.example/x", "<double name='setpoint' value='21'/>").getError().getCondition())
                .as("a reader of the thing").isEqualTo(StanzaError.Condition.forbidden);
        IQ other = set("boilerman@elsewhere.example/x", "<double name='setpoint' value='21'/>");
        assertThat(other.getError().getCondition()).as("a controller of another thing").isEqualTo(StanzaError.Condition.item_not_found);
        assertThat(done).singleElement().satisfies(c -> assertThat(c.origin()).isEqualTo("plumber@elsewhere.example/van"));
    }
}
