package org.xmppiot.gateway.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.GatewaySupervisor;
import org.xmppiot.gateway.cli.Main;
import org.xmppiot.gateway.testing.ProsodyExtension;

/**
 * {@code fleet push} against three gateways: two take a configuration without an xmpp section (each keeps its own
 * account) and run its new thing, a stopped one is unreachable; a configuration written for another account is
 * refused, and the gateway keeps its own.
 */
class FleetPushTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gw1", "gw2", "gw3")
            .withAccount("gw1").withAccount("gw2").withAccount("gw3").withAccount("owner");

    @TempDir
    Path dir;

    private final List<GatewaySupervisor> running = new ArrayList<>();

    @AfterEach
    void stop() {
        running.forEach(GatewaySupervisor::close);
    }

    private static final String THINGS = """
            access:
              %s: [ owner@localhost ]
            things:
              - { id: tank, driver: simulated, fields: [ { name: level } ] }
            """;

    /** A gateway of {@code account} on which owner@localhost is one of the {@code role} ("owners" or "readers"). */
    private GatewaySupervisor start(String account, String role) throws Exception {
        Path home = Files.createDirectories(dir.resolve(account));
        GatewaySupervisor s = new GatewaySupervisor(prosody.writeConfig(home, account, THINGS.formatted(role)), DriverRegistry.fromClassPath());
        running.add(s);
        s.start();
        assertThat(s.current().uplink().awaitReady(Await.GENEROUS)).as(s.current().uplink().lastFailure()).isNotNull();
        return s;
    }

    private record Run(int exit, String out) {
    }

    private Run push(Path document, String... to) throws Exception {
        List<String> args = new ArrayList<>(List.of("fleet", "push", "-c", prosody.writeConfig(dir, "owner", "").toString(), document.toString(), "--to"));
        args.addAll(List.of(to));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out + err.toString());
    }

    @Test
    void oneConfigurationReachesEveryGatewayThatIsThereAndEachSaysHowItWent() throws Exception {
        GatewaySupervisor gw1 = start("gw1", "owners");
        GatewaySupervisor gw2 = start("gw2", "readers"); // refuses: the pusher may only read it
        start("gw3", "owners").close();

        Path fleetDoc = dir.resolve("fleet.yaml");
        Files.writeString(fleetDoc, """
                access:
                  owners: [ owner@localhost ]
                things:
                  - { id: tank, driver: simulated, fields: [ { name: level } ] }
                  - { id: extra, driver: simulated, fields: [ { name: v } ] }
                """);
        Run r = push(fleetDoc, "gw1@localhost", "gw2@localhost", "gw3@localhost");
        assertThat(r.exit()).as(r.out()).isEqualTo(1);
        assertThat(r.out().lines()).contains("gw1@localhost: sending ...")
                .anyMatch(l -> l.startsWith("gw1@localhost: accepted: Accepted"))
                .anyMatch(l -> l.startsWith("gw2@localhost: refused: the gateway answered forbidden"))
                .anyMatch(l -> l.startsWith("gw3@localhost: unreachable: "))
                .contains("1 of 3 accepted; refused and unreachable gateways keep their configuration.");
        Await.until("gw1 running the new thing, connected", () -> gw1.current().things().thing("extra").isPresent()
                && gw1.current().uplink().isReady());
        assertThat(gw1.current().config().xmpp().jid()).as("its own account kept").isEqualTo("gw1@localhost");
        assertThat(gw2.current().things().thing("extra")).as("the refusing gateway keeps its configuration").isEmpty();

        // A configuration written for another account is refused by the gateway itself.
        Path forGw2 = dir.resolve("gw2/gw2.yaml");
        Run refused = push(forGw2, "gw1@localhost");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.out()).contains("gw1@localhost: refused: Refused, nothing changed: the configuration is for gw2@localhost, "
                + "and this gateway is gw1@localhost");
        assertThat(gw1.current().things().thing("extra")).isPresent();
    }
}
