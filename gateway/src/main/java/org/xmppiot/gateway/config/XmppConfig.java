package org.xmppiot.gateway.config;

import org.xmppiot.core.config.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
        PubSubConfig pubsub,
        List<Server> fallbacks,
        Liveness liveness) {

    /**
     * How the gateway notices a session that went silent (a half-open link, a frozen server): with nothing heard
     * from the server for {@code keepalive}, or for {@code stallAfter} while our own stanzas wait for answers, it
     * pings the server; no answer within {@code pingTimeout} ends the session and the uplink fails over.
     */
    public record Liveness(Duration keepalive, Duration stallAfter, Duration pingTimeout) {
        public static final Liveness DEFAULT = new Liveness(Duration.ofSeconds(60), Duration.ofSeconds(20), Duration.ofSeconds(10));
    }

    /** One server to connect to: a host (name or address) and a port. */
    public record Server(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    public XmppConfig {
        fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
        liveness = liveness == null ? Liveness.DEFAULT : liveness;
    }

    /**
     * The servers to try in order, {@code server:port} first, then the fallbacks ({@code xmpp.servers}); empty when the
     * servers come from DNS SRV (Smack then tries every target in the records' order).
     */
    public List<Server> targets() {
        if (server == null) {
            return List.of();
        }
        List<Server> all = new java.util.ArrayList<>();
        all.add(new Server(server, port));
        all.addAll(fallbacks);
        return all;
    }

    /** The same account, connecting to {@code target} only. */
    public XmppConfig withTarget(Server target) {
        return new XmppConfig(jid, password, resource, target.host(), target.port(), tls, caFile, connectTimeout, reconnectMaxDelay, pubsub, List.of(), liveness);
    }

    /** Whether the connection must be encrypted. */
    public enum TlsMode {
        /** STARTTLS with certificate and host name verification; login fails without it. */
        REQUIRED,
        /** No encryption; only accepted for a server on the loopback interface. */
        DISABLED
    }

    /** The same account under another resource, so a second connection does not replace the first. */
    public XmppConfig withResource(String otherResource) {
        return new XmppConfig(jid, password, otherResource, server, port, tls, caFile, connectTimeout, reconnectMaxDelay, pubsub, fallbacks, liveness);
    }

    public String localpart() {
        return jid.substring(0, jid.indexOf('@'));
    }

    public String domain() {
        return jid.substring(jid.indexOf('@') + 1);
    }
}
