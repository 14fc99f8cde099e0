package org.xmppiot.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.gateway.testing.ProsodyExtension;

/** A server that requires encryption but has no certificate to offer: doctor says so in one sentence, with the fix. */
class EncryptionRequiredTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway").requiringEncryption();

    @TempDir
    Path dir;

    @Test
    void doctorNamesTheMissingCertificate() throws Exception {
        StringWriter out = new StringWriter();
        Main.run(new String[] {"doctor", "-c", prosody.writeConfig(dir, "gateway", "").toString()}, new PrintWriter(out, true),
                new PrintWriter(out, true));
        assertThat(out.toString().lines()).as(out.toString())
                .anyMatch(l -> l.equals("FAIL  xmpp     The server localhost closed the stream because it has nothing to offer this connection"
                        + " (\"No stream features to proceed with\"): it requires encryption but has no certificate for localhost to offer,"
                        + " or does not allow the gateway's login method without TLS."))
                .anyMatch(l -> l.trim().startsWith("fix: give the server a certificate for localhost (Prosody: sudo prosodyctl cert generate localhost"));
    }
}
