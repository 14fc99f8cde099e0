package org.xmppiot.gateway.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.testing.ProsodyExtension;
import org.xmppiot.gateway.testing.Subscriptions;
import org.xmppiot.gateway.testing.TcpRelay;
import org.xmppiot.gateway.watch.ReadingWatcher;

/**
 * A session that goes silent while TCP still says it is up (a relay that stops forwarding with its sockets open, as a
 * NAT timeout or a Wi-Fi roam leaves a link; a server stopped with SIGSTOP) is noticed within a minute with the
 * default liveness settings, ended, and replaced: by the next server when there is one, by the same one when it
 * answers again. A subscriber on the server hears every reading from before the silence to after it.
 */
class SilentServerTest {

    /** What the issue asks of the defaults (stall-after 20 s, ping-timeout 10 s, checked every 5 s: 35 s at most). */
    private static final Duration NOTICED_WITHIN = Duration.ofSeconds(60);

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway").withAccount("reader");

    @TempDir
    Path dir;

    private Path config(List<TcpRelay> servers) throws Exception {
        Path file = prosody.writeConfig(dir, "gateway", """
                    node-prefix: silent/
                  reconnect-max-delay: 5s
                access:
                  readers: [ reader@localhost ]
                things:
                  - id: meter
                    driver: simulated
                    interval: 100ms
                    fields: [ { name: power, unit: W, waveform: random-walk, decimals: 1 } ]
                """);
        String list = String.join(", ", servers.stream().map(r -> "127.0.0.1:" + r.port()).toList());
        Files.writeString(file, Files.readString(file).replace("  server: 127.0.0.1\n  port: " + prosody.port() + "\n",
                "  servers: [ " + list + " ]\n"));
        return file;
    }

    /** Runs a gateway on {@code servers} with a reader subscribed straight to the server, and hands both to {@code silence}. */
    private void withGatewayAndReader(List<TcpRelay> servers, SilenceScenario silence) throws Exception {
        DriverRegistry drivers = DriverRegistry.fromClassPath();
        Set<Long> heard = ConcurrentHashMap.newKeySet();
        try (Gateway gateway = new Gateway(GatewayConfigLoader.load(config(servers), drivers), drivers)) {
            gateway.start();
            assertThat(gateway.uplink().awaitReady(Await.GENEROUS)).as(gateway.uplink().lastFailure()).isNotNull();
            Await.until("readings published", () -> gateway.publisher().published() >= 10);
            try (ReadingWatcher reader = ReadingWatcher.measurements(GatewayConfigLoader.loadXmpp(prosody.writeConfig(dir, "reader", "")),
                    r -> heard.add(r.sequence()))) {
                reader.start(List.of("silent/meter"));
                long first = Subscriptions.firstOfFive(heard);

                silence.run(gateway);

                Await.until("a new session", () -> gateway.uplink().isReady() && gateway.uplink().sessions() == 2);
                Subscriptions.awaitEveryReadingSince(heard, first, gateway, "meter", "the new session");
            }
        }
    }

    private interface SilenceScenario {
        void run(Gateway gateway) throws Exception;
    }

    private static void awaitNoticed(Gateway gateway) throws InterruptedException {
        Await.until("the gateway to notice the silence", NOTICED_WITHIN,
                () -> !gateway.uplink().isReady() && String.valueOf(gateway.uplink().lastFailure()).contains("stopped answering"));
        assertThat(gateway.uplink().lastFailure()).matches("The server at 127\\.0\\.0\\.1:\\d+ stopped answering for \\d+ s .*");
    }

    @Test
    void aFrozenLinkToTheFirstServerIsNoticedAndTheNextServerTakesOver() throws Exception {
        try (TcpRelay a = new TcpRelay(prosody.port()); TcpRelay b = new TcpRelay(prosody.port())) {
            withGatewayAndReader(List.of(a, b), gateway -> {
                assertThat(gateway.uplink().connectedTo()).isEqualTo("127.0.0.1:" + a.port());
                a.freeze(true);
                awaitNoticed(gateway);
                Await.until("a session through the second server", () -> ("127.0.0.1:" + b.port()).equals(gateway.uplink().connectedTo()));
            });
        }
    }

    @Test
    void aFrozenLinkToTheOnlyServerIsNoticedAndTheSessionComesBackWithThePath() throws Exception {
        try (TcpRelay a = new TcpRelay(prosody.port())) {
            withGatewayAndReader(List.of(a), gateway -> {
                a.freeze(true);
                awaitNoticed(gateway);
                assertThat(gateway.uplink().sessions()).as("no session while the path is dead").isEqualTo(1);
                a.freeze(false);
            });
        }
    }

    @Test
    void aServerStoppedForTwoMinutesIsNoticedAndTheSessionComesBackWhenItContinues() throws Exception {
        try (TcpRelay a = new TcpRelay(prosody.port())) {
            withGatewayAndReader(List.of(a), gateway -> {
                long pid = prosody.server().pid();
                signal("STOP", pid);
                long stoppedAt = System.nanoTime();
                try {
                    awaitNoticed(gateway);
                    long left = TimeUnit.MINUTES.toNanos(2) - (System.nanoTime() - stoppedAt);
                    if (left > 0) {
                        TimeUnit.NANOSECONDS.sleep(left); // The scenario: a server that stays frozen for two minutes.
                    }
                    assertThat(gateway.uplink().sessions()).as("no session while the server is stopped").isEqualTo(1);
                } finally {
                    signal("CONT", pid);
                }
            });
        }
    }

    /** Signals the server's whole process group: it runs under a watchdog shell that leads its own session (setsid). */
    private static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, "--", "-" + pid).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -%s -%d", name, pid).isTrue();
    }
}
