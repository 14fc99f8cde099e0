package org.xmppiot.gateway.onboarding;

import java.util.Map;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaIdFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.iqregister.packet.Registration;
import org.jxmpp.jid.parts.Localpart;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * Creates the gateway's own account with an invite: the token first (so an invite-only server lets the registration
 * through), then an ordinary in-band registration (XEP-0077) with a password the gateway made. Every refusal becomes
 * one sentence that says what to do.
 */
public final class InviteRegistration {

    private InviteRegistration() {
    }

    /**
     * Registers {@code name} on the invite's server over {@code connection}, which is connected but not logged in.
     * {@code plainAllowed}: the connection is unencrypted on purpose (a loopback test server).
     */
    public static void register(XMPPTCPConnection connection, InviteUri invite, String name, String password, boolean plainAllowed)
            throws RegistrationRefusedException, SmackException, InterruptedException {
        String server = invite.domain();
        String askAgain = invite.inviter() != null ? "ask " + invite.inviter() + " for a new one" : "ask for a new one";
        try {
            ask(connection, PreAuth.request(connection.getXMPPServiceDomain(), invite.token()));
        } catch (XMPPErrorException e) {
            StanzaError.Condition c = e.getStanzaError().getCondition();
            if (c == StanzaError.Condition.service_unavailable || c == StanzaError.Condition.feature_not_implemented) {
                throw new RegistrationRefusedException(server + " does not take invites (it has no XEP-0401 support; on Prosody that is"
                        + " mod_invites_register): create the account there and give the gateway its password instead");
            }
            throw new RegistrationRefusedException("the invite was refused by " + server + ": it has been used or has expired"
                    + said(e) + "; " + askAgain);
        }
        if (!connection.isSecureConnection() && !plainAllowed) {
            throw new RegistrationRefusedException("the connection to " + server + " is not encrypted; the gateway sends no password over it");
        }
        try {
            Registration registration = new Registration(Map.of("username", Localpart.from(name).toString(), "password", password));
            registration.setType(IQ.Type.set);
            registration.setTo(connection.getXMPPServiceDomain());
            ask(connection, registration);
        } catch (XMPPErrorException e) {
            if (e.getStanzaError().getCondition() == StanzaError.Condition.conflict) {
                throw new RegistrationRefusedException(server + " already has an account named " + name + ": choose another name with --name");
            }
            throw new RegistrationRefusedException(server + " refused to create " + name + "@" + server + said(e) + "; " + askAgain);
        } catch (XmppStringprepException e) {
            throw new RegistrationRefusedException("'" + name + "' cannot be an account name: " + e.getMessage());
        }
    }

    /**
     * Sends {@code request} and waits for its answer. Before login Smack's own reply filter cannot be used (it needs
     * the account's address), so the answer is matched by its id alone, as on any unauthenticated stream.
     */
    private static void ask(XMPPTCPConnection connection, IQ request) throws XMPPErrorException, SmackException, InterruptedException {
        try (StanzaCollector answer = connection.createStanzaCollectorAndSend(new StanzaIdFilter(request.getStanzaId()), request)) {
            answer.nextResultOrThrow();
        }
    }

    private static String said(XMPPErrorException e) {
        StanzaError error = e.getStanzaError();
        String text = error.getDescriptiveText();
        return " (" + error.getCondition() + (text == null ? "" : ": " + text) + ")";
    }

    /** The server would not create the account; the message says why and what to do, in one sentence. */
    public static final class RegistrationRefusedException extends Exception {
        public RegistrationRefusedException(String message) {
            super(message);
        }
    }
}
