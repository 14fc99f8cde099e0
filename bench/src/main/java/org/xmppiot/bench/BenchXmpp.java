package org.xmppiot.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.demo.ProsodyServer;
import org.xmppiot.gateway.xmpp.XmppConnectionFactory;

/** The bench's accounts on its Prosody, and connections to it the way the gateway makes them. */
final class BenchXmpp {

    static final String GATEWAY = "gateway";
    static final String READER = "reader";

    private final ProsodyServer server;
    private final Path dir;
    /** The CA that issued the server's certificate, for STARTTLS with verification; null for plain XMPP on loopback. */
    private final Path caFile;

    BenchXmpp(ProsodyServer server, Path dir) throws IOException, InterruptedException {
        this(server, dir, null);
    }

    /** Accounts on a server that offers STARTTLS with a certificate {@code caFile} issued: every connection verifies it. */
    BenchXmpp(ProsodyServer server, Path dir, Path caFile) throws IOException, InterruptedException {
        this.server = server;
        this.dir = dir;
        this.caFile = caFile;
        server.register(GATEWAY, password(GATEWAY));
        server.register(READER, password(READER));
    }

    static String password(String user) {
        return user + "-bench-password";
    }

    /** The server's process, whose CPU time is the reference each step reports beside a peer's. */
    long serverPid() {
        return server.pid();
    }

    int port() {
        return server.port();
    }

    /** The {@code xmpp:} section for {@code user}, as the gateway's configuration has it. */
    String xmppSection(String user) throws IOException {
        Path pw = dir.resolve(user + ".password");
        Files.writeString(pw, password(user) + "\n", StandardCharsets.UTF_8);
        return """
                xmpp:
                  jid: %s@%s
                  password-file: %s
                  server: 127.0.0.1
                  port: %d
                  %s
                  connect-timeout: 10s
                  pubsub:
                    service: %s
                """.formatted(user, ProsodyServer.DOMAIN, pw, server.port(),
                caFile == null ? "tls: disabled" : "tls: required\n  ca-file: " + caFile, ProsodyServer.PUBSUB_SERVICE);
    }

    /** A logged-in connection of {@code user}. */
    XMPPTCPConnection connect(String user, String resource) throws Exception {
        Path file = dir.resolve(user + "-" + resource + ".yaml");
        Files.writeString(file, xmppSection(user), StandardCharsets.UTF_8);
        org.xmppiot.gateway.iotdata.provider.SensorDataProviders.register(); // Subscribers read <fields/> items.
        XMPPTCPConnection c = XmppConnectionFactory.create(GatewayConfigLoader.loadXmpp(file).withResource(resource));
        c.setReplyTimeout(30_000);
        c.connect().login();
        return c;
    }
}
