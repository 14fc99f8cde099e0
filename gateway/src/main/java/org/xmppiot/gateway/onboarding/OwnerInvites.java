package org.xmppiot.gateway.onboarding;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smackx.commands.AdHocCommandManager;
import org.jivesoftware.smackx.commands.RemoteCommand;
import org.jivesoftware.smackx.xdata.FormField;
import org.jivesoftware.smackx.xdata.packet.DataForm;

/**
 * Asks the gateway's own server for an invite that creates an account and makes it the gateway's contact in one step:
 * the ad-hoc command of XEP-0401 that Prosody's mod_invites_adhoc offers to every local user. The answer is
 * {@code xmpp:gateway@example.org?roster;preauth=TOKEN;ibr=y}; a phone app such as Conversations scans it, registers,
 * and the server makes the two mutual contacts.
 */
public final class OwnerInvites {

    static final String COMMAND = "urn:xmpp:invite#invite";
    /** Prosody's default validity, when the answer does not say. */
    private static final long DEFAULT_VALIDITY_SECONDS = 7 * 86_400L;

    private OwnerInvites() {
    }

    /** The invite, or a sentence (in the exception) why the server gives none that creates an account. */
    public static OnboardingState.OwnerInvite create(XMPPConnection connection) throws NoInvitesException, Exception {
        RemoteCommand command = AdHocCommandManager.getAddHocCommandsManager(connection)
                .getRemoteCommand(connection.getXMPPServiceDomain(), COMMAND);
        try {
            command.execute();
        } catch (XMPPErrorException e) {
            throw new NoInvitesException(connection.getXMPPServiceDomain() + " gives no invites (" + e.getStanzaError().getCondition()
                    + "): on Prosody enable mod_invites, mod_invites_adhoc and mod_invites_register");
        }
        DataForm form = command.getForm();
        String uri = value(form, "uri");
        if (uri == null) {
            throw new NoInvitesException(connection.getXMPPServiceDomain() + " answered the invite command without an invite");
        }
        if (!uri.contains("ibr=y")) {
            throw new NoInvitesException(connection.getXMPPServiceDomain() + " lets the gateway invite contacts but not create accounts"
                    + " (on Prosody: allow_user_invites = true on the host, and allow_registration = true)");
        }
        return new OnboardingState.OwnerInvite(uri, expires(value(form, "expire")));
    }

    /** The invite as the log and the terminal show it: what it does, the link, and the link as a QR code. */
    public static String shown(OnboardingState.OwnerInvite invite, String domain) {
        return "To become the gateway's owner, scan this with Conversations (or open the link in another XMPP app that takes"
                + " invites): it creates your account on " + domain + " and adds the gateway as a contact (valid until "
                + invite.expires() + ").\n" + invite.uri() + "\n" + QrText.of(invite.uri());
    }

    private static String value(DataForm form, String name) {
        if (form == null) {
            return null;
        }
        FormField f = form.getField(name);
        return f == null ? null : f.getFirstValue();
    }

    private static Instant expires(String text) {
        try {
            return text == null ? Instant.now().plusSeconds(DEFAULT_VALIDITY_SECONDS) : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return Instant.now().plusSeconds(DEFAULT_VALIDITY_SECONDS);
        }
    }

    /** The server gives no invite the owner could register with; the message says what to enable. */
    public static final class NoInvitesException extends Exception {
        NoInvitesException(String message) {
            super(message);
        }
    }
}
