package org.xmppiot.gateway.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.StanzaError;
import org.junit.jupiter.api.Test;

/** A failed request is told in a few words, never as an exception's class with the connection's internals. */
class XmppFailuresTest {

    @Test
    void failedRequestsAreToldInAFewWords() {
        assertThat(XmppFailures.brief(new SmackException.NotConnectedException("The connection GuardedTcpConnection[gw@localhost/gw] (0)"
                + " is no longer connected while waiting for response with IQReplyFilter")))
                .isEqualTo("the session ended before the answer came");
        assertThat(XmppFailures.brief(new XMPPException.XMPPErrorException(null,
                StanzaError.getBuilder(StanzaError.Condition.forbidden).setDescriptiveEnText("not a publisher").build())))
                .isEqualTo("the server answered forbidden (not a publisher)");
        assertThat(XmppFailures.brief(new XMPPException.XMPPErrorException(null, StanzaError.getBuilder(StanzaError.Condition.item_not_found).build())))
                .isEqualTo("the server answered item-not-found");
        assertThat(XmppFailures.brief(new IllegalStateException("the node is full"))).isEqualTo("the node is full");
    }
}
