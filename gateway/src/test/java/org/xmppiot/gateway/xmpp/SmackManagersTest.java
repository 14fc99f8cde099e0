package org.xmppiot.gateway.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.gateway.config.GatewayConfigLoader;

/**
 * What a connection made as the gateway makes its own announces in disco#info: what the gateway offers, and none of the
 * Smack managers it leaves out. Checked in a JVM of its own, since Smack starts once per process and other tests in
 * this one may have started it first.
 */
class SmackManagersTest {

    /** In the child JVM: a connection from the config file {@code args[0]}, not connected; prints its features. */
    public static void main(String[] args) throws Exception {
        XMPPTCPConnection connection = XmppConnectionFactory.create(GatewayConfigLoader.loadXmpp(Path.of(args[0])));
        for (String feature : ServiceDiscoveryManager.getInstanceFor(connection).getFeatures()) {
            System.out.println("feature " + feature);
        }
    }

    @Test
    void aConnectionAnnouncesWhatTheGatewayOffersAndNothingOfTheManagersLeftOut(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("gateway.password"), "not-used\n", StandardCharsets.UTF_8);
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, """
                xmpp:
                  jid: gateway@localhost
                  password-file: gateway.password
                  server: 127.0.0.1
                  tls: disabled
                """, StandardCharsets.UTF_8);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                SmackManagersTest.class.getName(), config.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = child.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended).as("the child JVM ends: " + output).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        List<String> features = output.lines().filter(l -> l.startsWith("feature ")).map(l -> l.substring(8)).toList();
        assertThat(features).as(output).contains("http://jabber.org/protocol/disco#info", "urn:xmpp:ping", "urn:xmpp:time",
                "jabber:iq:version", "http://jabber.org/protocol/commands", "jabber:x:data", "urn:xmpp:receipts");
        assertThat(features).as(output).doesNotContain("jabber:iq:last", "http://jabber.org/protocol/ibb",
                "http://jabber.org/protocol/bytestreams", "http://jabber.org/protocol/si",
                "http://jabber.org/protocol/si/profile/file-transfer", "http://jabber.org/protocol/xhtml-im",
                "http://jabber.org/protocol/muc", "vcard-temp", "urn:xmpp:media-element", "jabber:iq:privacy");
    }
}
