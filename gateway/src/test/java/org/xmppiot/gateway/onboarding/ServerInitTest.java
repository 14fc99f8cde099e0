package org.xmppiot.gateway.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.GatewaySupervisor;
import org.xmppiot.gateway.demo.ProsodyServer;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * From nothing to an owner chatting with a sensor: {@code server init} sets up a host in a real Prosody (its own
 * certificate, encryption required, accounts by invite only), {@code run} shows the owner's invite, and an independent
 * client (slixmpp, as a phone app would) registers with it, becomes the owner, reads a sensor by chat and by XEP-0323
 * and subscribes to its node, all over TLS checked against the printed certificate.
 */
class ServerInitTest {

    private static final Pattern INVITE = Pattern.compile("xmpp:gateway@gw\\.example\\?roster;preauth=[^;\\s]+;ibr=y");
    private static final Pattern FINGERPRINT = Pattern.compile("([0-9A-F]{2}:){31}[0-9A-F]{2}");

    @TempDir
    Path dir;

    @Test
    void serverInitThenRunLetsTheOwnersAppJoinByInviteAndReadTheSensors() throws Exception {
        try (ProsodyServer prosody = ProsodyServer.start(ProsodyServer.Options.withPubSubAdmins().withHostsFromConfD())) {
            Path config = dir.resolve("gateway.yaml");
            JoinByInviteTest.Outcome init = JoinByInviteTest.run("server", "init", "--domain", "gw.example",
                    "--prosody-config", prosody.configFile().toString(), "--port", Integer.toString(prosody.port()), "--config", config.toString());
            assertThat(init.code()).as(init.err()).isZero();
            assertThat(init.out()).contains("Prosody serves gw.example for the gateway gateway@gw.example")
                    .contains("Restart Prosody to load gw.example");
            Path certificate = prosody.configFile().getParent().resolve("certs/gw.example.crt");
            Matcher printed = FINGERPRINT.matcher(init.out());
            assertThat(printed.find()).as(init.out()).isTrue();
            assertThat(printed.group()).isEqualTo(ProsodyHost.fingerprint(certificate));
            assertThat(Files.readString(prosody.configFile().getParent().resolve("conf.d/gw.example.cfg.lua")))
                    .contains("c2s_require_encryption = true").contains("registration_invite_only = true")
                    .contains("unlimited_jids = { \"gateway@gw.example\" }");
            assertThat(Files.readString(config)).contains("jid: gateway@gw.example").contains("tls: required").contains("id: demo-temperature");

            prosody.restart(); // What "Restart Prosody" asks of the user.
            ListAppender<ILoggingEvent> log = new ListAppender<>();
            log.start();
            ((Logger) LoggerFactory.getLogger(Onboarding.class)).addAppender(log);
            try (GatewaySupervisor gateway = new GatewaySupervisor(config, DriverRegistry.fromClassPath())) {
                gateway.start();
                String shown = Await.value("the owner's invite in the log", Await.GENEROUS, () -> log.list.stream()
                        .map(ILoggingEvent::getFormattedMessage).filter(m -> INVITE.matcher(m).find()).findFirst().orElse(null));
                assertThat(shown).startsWith("this gateway has no owner yet. To become the gateway's owner, scan this").contains("\u2588");
                Matcher invite = INVITE.matcher(shown);
                assertThat(invite.find()).isTrue();
                // The page and the JSON API show the same invite (the health record every view renders).
                assertThat(gateway.current().health().connection().ownerInvite()).isEqualTo(invite.group());

                List<String> lines = firstHour(invite.group(), certificate, prosody.port());
                assertThat(lines).contains("registered alice@gw.example", "roster gateway@gw.example both",
                        "greeting Hello, I am gateway@gw.example, online with 1 thing (demo-temperature). You are my owner."
                                + " Reply help for what I understand.");
                assertThat(lines).anyMatch(l -> l.startsWith("chat ") && l.contains("temperature"))
                        .anyMatch(l -> l.matches("readout demo-temperature temperature \\d+(\\.\\d)? °C"))
                        .anyMatch(l -> l.startsWith("item gateway/demo-temperature "));
                assertThat(Files.readString(config)).contains("owners: [ alice@gw.example ]");
                assertThat(Files.exists(dir.resolve("owner-invite"))).as("the used invite is forgotten").isFalse();
                assertThat(gateway.current().health().connection().ownerInvite()).isNull();
            } finally {
                ((Logger) LoggerFactory.getLogger(Onboarding.class)).detachAppender(log);
            }
        }
    }

    /** Runs the owner's app (first_hour.py on slixmpp); its lines, once it has finished every step. */
    private List<String> firstHour(String invite, Path caFile, int port) throws Exception {
        Path script = Path.of("src", "test", "python", "first_hour.py").toAbsolutePath();
        Path out = dir.resolve("first-hour.out");
        Path err = dir.resolve("first-hour.err");
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), invite, "alice", "alice-secret-1", "127.0.0.1:" + port,
                caFile.toString(), "demo-temperature", "pubsub.gw.example", "gateway/demo-temperature")
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            boolean finished = p.waitFor(4, TimeUnit.MINUTES);
            List<String> errLines = Files.readAllLines(err, StandardCharsets.UTF_8);
            String seen = Files.readString(out, StandardCharsets.UTF_8) + "\n"
                    + String.join("\n", errLines.subList(Math.max(0, errLines.size() - 80), errLines.size()));
            assertThat(finished).as("the owner's app finished: " + seen).isTrue();
            assertThat(p.exitValue()).as(seen).isZero();
            return Files.readAllLines(out, StandardCharsets.UTF_8);
        } finally {
            p.destroyForcibly();
        }
    }
}
