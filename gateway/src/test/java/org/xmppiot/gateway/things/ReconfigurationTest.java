package org.xmppiot.gateway.things;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.bus.BusSubscription;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.GatewaySupervisor;
import org.xmppiot.gateway.testing.ChatClient;
import org.xmppiot.gateway.testing.ProsodyExtension;

/**
 * A new configuration that adds, changes and removes things is applied thing by thing: a thing left
 * unchanged keeps its reading stream without a gap and the XMPP session stays up, whether the new
 * configuration comes by replace-config or from the file on SIGHUP.
 */
class ReconfigurationTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway").withAccount("owner");

    @TempDir
    Path dir;

    private static final String OWNERS = """
                node-prefix: reconf/
            access:
              owners: [ owner@localhost ]
            things:
            """;
    private static final String STEADY = """
              - id: steady
                driver: simulated
                interval: 100ms
                fields: [ { name: level, waveform: constant, value: 7 } ]
            """;

    private static String simulated(String id, String interval, int value) {
        return """
                  - id: %s
                    driver: simulated
                    interval: %s
                    fields: [ { name: level, waveform: constant, value: %d } ]
                """.formatted(id, interval, value);
    }

    /** The driver sequence numbers of one thing's readings, in bus order (status readings left out). */
    private static List<Long> sequences(List<Reading> readings) {
        return readings.stream().filter(r -> r.sequence() > 0).map(Reading::sequence).toList();
    }

    @Test
    void replaceConfigAddsChangesAndRemovesThingsWhileAnUnchangedOneReadsOnWithoutAGap() throws Exception {
        Path file = prosody.writeConfig(dir, "gateway", OWNERS + STEADY + simulated("tweak", "200ms", 1) + simulated("gone", "1s", 3));
        String running = Files.readString(file, StandardCharsets.UTF_8);
        try (GatewaySupervisor supervisor = new GatewaySupervisor(file, DriverRegistry.fromClassPath());
             ChatClient owner = new ChatClient(prosody, dir, "owner")) {
            supervisor.start();
            Gateway gateway = supervisor.current();
            XMPPTCPConnection session = gateway.uplink().awaitReady(Await.GENEROUS);
            assertThat(session).isNotNull();
            List<Reading> steady = new CopyOnWriteArrayList<>();
            BusSubscription watching = gateway.bus().subscribe("test-steady", 100_000, r -> {
                if (r.thingId().equals("steady")) {
                    steady.add(r);
                }
            });
            Await.until("steady to read", () -> sequences(steady).size() >= 5);

            String next = running.replace(simulated("tweak", "200ms", 1), simulated("tweak", "200ms", 2))
                    .replace(simulated("gone", "1s", 3), simulated("fresh", "200ms", 5));
            assertThat(supervisor.replace(next, "owner@localhost/test")).isNull();

            Await.until("the outcome by chat", () -> owner.lines().stream().anyMatch(l -> l.startsWith("The new configuration")));
            assertThat(owner.lines()).filteredOn(l -> l.startsWith("The new configuration")).singleElement().asString()
                    .startsWith("The new configuration is running (added fresh, changed tweak, removed gone, 1 unchanged); "
                            + "the XMPP session stayed up.");
            int atChange = sequences(steady).size();
            Await.until("fresh's first reading", () -> value(gateway, "fresh") == 5);
            Await.until("tweak's new value", () -> value(gateway, "tweak") == 2);
            Await.until("steady to read on", () -> sequences(steady).size() >= atChange + 10);

            assertThat(supervisor.current()).as("the gateway was not restarted").isSameAs(gateway);
            assertThat(gateway.uplink().awaitReady(Duration.ZERO)).as("the same XMPP session").isSameAs(session);
            assertThat(gateway.uplink().sessions()).isEqualTo(1);
            assertThat(gateway.things().ids()).containsExactly("steady", "tweak", "fresh");
            // One driver run, every reading there: the sequence counts up by one from the first to the last.
            List<Long> seen = sequences(steady);
            for (int i = 1; i < seen.size(); i++) {
                assertThat(seen.get(i)).as("reading after %d", seen.get(i - 1)).isEqualTo(seen.get(i - 1) + 1);
            }
            assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(next);
            watching.close();
        }
    }

    private static long value(Gateway gateway, String thing) {
        Reading r = gateway.bus().latest().latest(thing);
        if (r == null || r.field("level") == null) {
            return -1;
        }
        FieldValue v = r.field("level").value();
        return v instanceof FieldValue.NumericValue n ? n.value().longValue() : -1;
    }

    @Test
    void sighupAppliesTheEditedFileThingByThingWithTheSessionUp() throws Exception {
        Path file = prosody.writeConfig(dir, "gateway", OWNERS + STEADY);
        Path log = dir.resolve("run.log");
        // env restores SIGHUP's default: a runner that started the tests with it ignored would pass that on to the gateway.
        Process run = new ProcessBuilder("env", "--default-signal=HUP", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.xmppiot.gateway.cli.Main", "run", "--config", file.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try (ChatClient owner = new ChatClient(prosody, dir, "owner")) {
            Await.until("the gateway to connect", () -> logOf(log).contains("xmpp connected"));
            Await.until("steady to be online", () -> String.valueOf(owner.trySay("status")).contains("\n  steady: online"));

            Files.writeString(file, Files.readString(file, StandardCharsets.UTF_8) + simulated("fresh", "200ms", 5), StandardCharsets.UTF_8);
            new ProcessBuilder("kill", "-HUP", Long.toString(run.pid())).inheritIO().start().waitFor();

            Await.until("the reload to be applied", () -> logOf(log).contains("configuration applied thing by thing: added fresh"));
            Await.until("fresh to be online", () -> String.valueOf(owner.trySay("status")).contains("\n  fresh: online"));
            assertThat(owner.say("status")).contains("\n  steady: online");
            assertThat(run.isAlive()).isTrue();
            assertThat(logOf(log).lines().filter(l -> l.contains("xmpp connected"))).as(logOf(log)).hasSize(1);

            // A broken file changes nothing: the error is logged and the things keep running.
            Files.writeString(file, Files.readString(file, StandardCharsets.UTF_8) + "  - id: broken\n    driver: nothing-here\n",
                    StandardCharsets.UTF_8);
            new ProcessBuilder("kill", "-HUP", Long.toString(run.pid())).inheritIO().start().waitFor();
            Await.until("the refusal to be logged", () -> logOf(log).contains("reload: " + file + " has an error"));
            assertThat(owner.say("status")).contains("\n  fresh: online").contains("\n  steady: online");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n--- the gateway's log:\n" + logOf(log), e);
        } finally {
            run.destroy(); // SIGTERM: the gateway stops as under systemd.
            if (!run.waitFor(60, TimeUnit.SECONDS)) {
                run.destroyForcibly();
            }
        }
    }

    private static String logOf(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
