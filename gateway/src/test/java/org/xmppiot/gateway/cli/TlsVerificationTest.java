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
import org.xmppiot.core.testing.Await;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.testing.ProsodyExtension;

/** TLS is on by default and the server's certificate chain is checked against the trusted CAs. */
class TlsVerificationTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway").withAccount("reader")
            .withTlsCertificateFor("localhost");

    @TempDir
    Path dir;

    @Test
    void aCertificateFromAnUnknownCaIsRefusedWithTheFixInTheSentence() throws Exception {
        assertThat(lastFailureOf(tlsConfig(prosody, dir, ""))).startsWith("The TLS certificate of 127.0.0.1:" + prosody.port()
                + " is not trusted for localhost").contains("set xmpp.ca-file to the CA that signed it");
    }

    @Test
    void withItsCaInCaFileTheConnectionIsEncryptedAndReadingsFlow() throws Exception {
        Path config = tlsConfig(prosody, dir, "  ca-file: " + prosody.caFile() + "\n");
        DriverRegistry drivers = DriverRegistry.fromClassPath();
        try (Gateway gateway = new Gateway(GatewayConfigLoader.load(config, drivers), drivers)) {
            gateway.start();
            XMPPTCPConnection c = gateway.uplink().awaitReady(Await.GENEROUS);
            assertThat(c).as(String.valueOf(gateway.uplink().lastFailure())).isNotNull();
            assertThat(c.isSecureConnection()).isTrue();

            Path reader = prosody.writeConfig(dir, "reader", "");
            Files.writeString(reader, Files.readString(reader).replace("  tls: disabled\n",
                    "  tls: required\n  ca-file: " + prosody.caFile() + "\n"));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = Main.run(new String[] {"watch", "-c", reader.toString(), "--no-status", "--count", "3", "--timeout", "20", "gateway/t"},
                    new PrintWriter(out, true), new PrintWriter(err, true));
            assertThat(exit).as(err.toString()).isZero();
            assertThat(out.toString().lines()).hasSize(3).allMatch(l -> l.matches("\\S+Z t v=\\d+\\.\\d"));
        }
    }
}
