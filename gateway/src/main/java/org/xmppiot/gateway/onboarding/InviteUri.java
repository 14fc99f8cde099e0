package org.xmppiot.gateway.onboarding;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An invitation in the form of XEP-0401 (Easy User Onboarding) and XEP-0379 (Pre-Authenticated Roster Subscription):
 * {@code xmpp:example.org?register;preauth=TOKEN} lets its holder create an account on example.org;
 * {@code xmpp:alice@example.org?roster;preauth=TOKEN;ibr=y} also makes the holder a contact of alice, who sent it.
 *
 * @param jid     the server (register) or the inviting account (roster)
 * @param action  {@code register} or {@code roster}
 * @param token   the one-time token the server gave out
 * @param mayRegister whether the token also creates an account ({@code register}, or {@code roster} with {@code ibr=y})
 */
public record InviteUri(String jid, String action, String token, boolean mayRegister) {

    /** Reads {@code text}; an invite that is not one says what is wrong with it in one sentence. */
    public static InviteUri parse(String text) throws InvalidInviteException {
        String uri = text.strip();
        if (!uri.startsWith("xmpp:")) {
            throw new InvalidInviteException("'" + uri + "' is no invite: an invite starts with xmpp: (e.g. xmpp:example.org?register;preauth=...)");
        }
        int q = uri.indexOf('?');
        if (q < 0) {
            throw new InvalidInviteException("'" + uri + "' is an address, not an invite: it has no ?register;preauth=... or ?roster;preauth=... part");
        }
        String jid = decode(uri.substring("xmpp:".length(), q)).replaceFirst("^//", "");
        String[] parts = uri.substring(q + 1).split(";");
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            params.put(eq < 0 ? parts[i] : parts[i].substring(0, eq), eq < 0 ? "" : decode(parts[i].substring(eq + 1)));
        }
        String action = parts[0];
        String token = params.get("preauth");
        if (!action.equals("register") && !action.equals("roster")) {
            throw new InvalidInviteException("'" + uri + "' asks to " + action + ", which is not an invite (register or roster)");
        }
        if (token == null || token.isEmpty()) {
            throw new InvalidInviteException("'" + uri + "' has no preauth token: copy the whole invite");
        }
        if (jid.isEmpty() || jid.contains("/") || (action.equals("roster") && !jid.contains("@"))) {
            throw new InvalidInviteException("'" + uri + "' names no " + (action.equals("roster") ? "inviting account" : "server"));
        }
        boolean register = action.equals("register") || "y".equals(params.get("ibr"));
        return new InviteUri(jid, action, token, register);
    }

    /** The server that gave out the invite. */
    public String domain() {
        return jid.substring(jid.indexOf('@') + 1);
    }

    /** Who sent the invite (a roster invite), or null (an account invite names nobody). */
    public String inviter() {
        return action.equals("roster") ? jid : null;
    }

    /** The account name an account invite is meant for ({@code xmpp:gw@example.org?register...}), or null. */
    public String reservedName() {
        return action.equals("register") && jid.contains("@") ? jid.substring(0, jid.indexOf('@')) : null;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** An invite that cannot be used, said in one sentence. */
    public static final class InvalidInviteException extends Exception {
        public InvalidInviteException(String message) {
            super(message);
        }
    }
}
