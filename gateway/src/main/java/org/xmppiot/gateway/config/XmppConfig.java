package org.xmppiot.gateway.config;

import org.xmppiot.core.config.Secret;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The gateway's XMPP account and how to reach its server. {@code server} null means: find the
 * server through the domain's DNS SRV records; {@code caFile} null means: trust the system's CAs.
 */
public record XmppConfig(
        String jid,
        Secret password,
        String resource,
        String server,
        int port,
        TlsMode tls,
        Path caFile,
        Duration connectTimeout,
        Duration reconnectMaxDelay,
        PubSubConfig pubsub) {

    /** Whether the connection must be encrypted. */
    public enum TlsMode {
        /** STARTTLS with certificate and host name verification; login fails without it. */
        REQUIRED,
        /** No encryption; only accepted for a server on the loopback interface. */
        DISABLED
    }

    /** The same account under another resource, so a second connection does not replace the first. */
    public XmppConfig withResource(String otherResource) {
        return new XmppConfig(jid, password, otherResource, server, port, tls, caFile, connectTimeout, reconnectMaxDelay, pubsub);
    }

    public String localpart() {
        return jid.substring(0, jid.indexOf('@'));
    }

    public String domain() {
        return jid.substring(jid.indexOf('@') + 1);
    }
}
