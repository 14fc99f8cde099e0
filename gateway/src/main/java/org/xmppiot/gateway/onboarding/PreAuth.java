package org.xmppiot.gateway.onboarding;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jxmpp.jid.DomainBareJid;

/**
 * The token of an invite, shown to the server: as an IQ before registering (XEP-0401's {@code urn:xmpp:pars:0}
 * {@code <preauth/>}, which lets an invite-only server create the account), and inside a presence subscription
 * (XEP-0379), which the inviting account's server approves without asking its owner.
 */
final class PreAuth {

    static final String ELEMENT = "preauth";
    static final String NAMESPACE = "urn:xmpp:pars:0";

    private PreAuth() {
    }

    /** {@code <iq type='set' to='DOMAIN'><preauth xmlns='urn:xmpp:pars:0' token='TOKEN'/></iq>}. */
    static IQ request(DomainBareJid server, String token) {
        IQ iq = new TokenIq(token);
        iq.setType(IQ.Type.set);
        iq.setTo(server);
        return iq;
    }

    /** The element to put into a {@code subscribe} presence. */
    static StandardExtensionElement element(String token) {
        return StandardExtensionElement.builder(ELEMENT, NAMESPACE).addAttribute("token", token).build();
    }

    private static final class TokenIq extends IQ {
        private final String token;

        TokenIq(String token) {
            super(ELEMENT, NAMESPACE);
            this.token = token;
        }

        @Override
        protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
            xml.attribute("token", token);
            xml.setEmptyElement();
            return xml;
        }
    }
}
