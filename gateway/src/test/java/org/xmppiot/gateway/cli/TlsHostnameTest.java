package org.xmppiot.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xmppiot.gateway.cli.TlsSteps.lastFailureOf;
import static org.xmppiot.gateway.cli.TlsSteps.tlsConfig;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.testing.ProsodyExtension;

/** A certificate from a trusted CA is still refused when it is not for the XMPP domain. */
class TlsHostnameTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway")
            .withTlsCertificateFor("other.example");

    @TempDir
    Path dir;

    @Test
    void aTrustedCertificateForAnotherNameIsStillRefused() throws Exception {
        String failure = lastFailureOf(tlsConfig(prosody, dir, "  ca-file: " + prosody.caFile() + "\n"));
        assertThat(failure).startsWith("The TLS certificate of 127.0.0.1:" + prosody.port() + " is not trusted for localhost");
    }
}
