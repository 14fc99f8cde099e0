package org.xmppiot.gateway.xmpp;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.util.rce.RemoteConnectionException;
import org.xmppiot.gateway.config.XmppConfig;

/** Turns what Smack throws into one sentence a user can act on, without a stack trace. */
public final class XmppFailures {

    private XmppFailures() {
    }

    /**
     * What went wrong with one request, in a few words for a log line or the page: never the exception's class and the
     * connection's internals ("SmackException$NotConnectedException: The connection GuardedTcpConnection[...]").
     */
    public static String brief(Throwable e) {
        if (e instanceof SmackException.NotConnectedException) {
            return "the session ended before the answer came";
        }
        if (e instanceof SmackException.NoResponseException) {
            return "no answer from the server in time";
        }
        if (e instanceof org.jivesoftware.smack.XMPPException.XMPPErrorException x) {
            String text = x.getStanzaError().getDescriptiveText();
            return "the server answered " + x.getStanzaError().getCondition() + (text == null || text.isBlank() ? "" : " (" + text + ")");
        }
        if (e instanceof InterruptedException) {
            return "stopped";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** What fixes a failure that the sentence alone cannot point to; null when the sentence says it. */
    public static String fix(Throwable e, XmppConfig config) {
        if (e instanceof XMPPException.StreamErrorException see && nothingToProceedWith(see)) {
            return "give the server a certificate for " + config.domain() + " (Prosody: sudo prosodyctl cert generate " + config.domain()
                    + ", or certificates from Let's Encrypt), or let it accept this connection unencrypted (loopback only:"
                    + " c2s_require_encryption = false)";
        }
        return null;
    }

    /** Prosody's answer when it offers a client no stream feature to go on with: typically encryption required, no certificate. */
    private static boolean nothingToProceedWith(XMPPException.StreamErrorException see) {
        String text = see.getStreamError().getDescriptiveText();
        return see.getStreamError().getCondition() == org.jivesoftware.smack.packet.StreamError.Condition.undefined_condition
                && text != null && text.toLowerCase(java.util.Locale.ROOT).contains("no stream features");
    }

    public static String describe(Throwable e, XmppConfig config) {
        if (e instanceof SessionSetupException) {
            return e.getMessage();
        }
        String where = config.server() != null ? config.server() + ":" + config.port() : "the server of " + config.domain() + " (DNS SRV)";
        if (e instanceof SASLErrorException sasl) {
            return "The server refused the login of " + config.jid() + " (" + sasl.getMechanism() + ": "
                    + sasl.getSASLFailure().getSASLErrorString() + "): wrong password or no such account; check "
                    + config.password().origin() + ".";
        }
        if (e instanceof SmackException.SmackSaslException) {
            return "No common login method with " + where + ": the gateway only logs in with SCRAM-SHA-1; "
                    + "enable SCRAM (e.g. Prosody's authentication = \"internal_hashed\").";
        }
        if (e instanceof SmackException.SecurityRequiredByClientException) {
            return where + " does not offer TLS (STARTTLS), and xmpp.tls is 'required': enable TLS on the server.";
        }
        if (e instanceof SmackException.EndpointConnectionException ece) {
            if (!ece.getConnectionExceptions().isEmpty()) {
                RemoteConnectionException<?> first = ece.getConnectionExceptions().get(0);
                java.net.InetSocketAddress address = first.getAddress().getInetSocketAddress();
                return "Cannot reach " + address.getHostString() + ":" + address.getPort() + ": " + socketProblem(first.getException())
                        + "; is the XMPP server running, and are xmpp.server and xmpp.port right?";
            }
            return "Cannot find the XMPP server of " + config.domain() + ": " + ece.getLookupFailures()
                    + "; set xmpp.server (and xmpp.port) if the domain has no DNS SRV records.";
        }
        Throwable cert = find(e, CertificateException.class);
        if (cert != null || find(e, SSLHandshakeException.class) != null) {
            Throwable reason = cert != null ? cert : find(e, SSLHandshakeException.class);
            return "The TLS certificate of " + where + " is not trusted for " + config.domain() + " (" + firstLine(reason.getMessage())
                    + "); give the server a certificate for that name from a CA the system trusts, or set xmpp.ca-file to the CA that signed it.";
        }
        if (find(e, SSLException.class) != null) {
            return "TLS with " + where + " failed: " + firstLine(find(e, SSLException.class).getMessage()) + ".";
        }
        if (e instanceof SmackException.NoResponseException) {
            return "No answer from " + where + " within " + config.connectTimeout().toSeconds() + " s: "
                    + firstLine(e.getMessage()) + ".";
        }
        if (e instanceof XMPPException.XMPPErrorException xee) {
            StanzaError error = xee.getStanzaError();
            return "The server answered with an error: " + error.getCondition()
                    + (error.getDescriptiveText() != null ? " (" + error.getDescriptiveText() + ")" : "") + ".";
        }
        if (e instanceof XMPPException.StreamErrorException see) {
            if (see.getStreamError().getCondition() == org.jivesoftware.smack.packet.StreamError.Condition.conflict) {
                // Two clients on one account and resource throw each other off in turn, for ever.
                return "The server closed the session because another client logged in as " + config.jid() + " with the same resource ("
                        + config.resource() + "): is a second gateway running with this account (the service and a manual run)?"
                        + " Stop one, or give each its own xmpp.resource.";
            }
            String text = see.getStreamError().getDescriptiveText();
            if (nothingToProceedWith(see)) {
                return "The server " + config.domain() + " closed the stream because it has nothing to offer this connection"
                        + " (\"" + text + "\"): it requires encryption but has no certificate for " + config.domain()
                        + " to offer, or does not allow the gateway's login method without TLS.";
            }
            return "The server closed the stream: " + see.getStreamError().getCondition()
                    + (text == null || text.isBlank() ? "" : " (" + text + ")") + ".";
        }
        if (e instanceof SmackException.NotConnectedException || find(e, java.io.EOFException.class) != null
                || find(e, java.net.SocketException.class) != null
                || find(e, org.jivesoftware.smack.xml.XmlPullParserException.class) != null) {
            // A server that stops, or a network that drops, ends the stream mid-way: the parser error is only the symptom.
            return "The connection to " + where + " was closed (the server stopped or the network dropped).";
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + firstLine(message));
    }

    private static String socketProblem(Exception e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof SocketTimeoutException) {
            return "timed out";
        }
        if (e instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host";
        }
        return e == null ? "failed" : firstLine(String.valueOf(e.getMessage()));
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
