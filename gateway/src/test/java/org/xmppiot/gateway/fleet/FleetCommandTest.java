package org.xmppiot.gateway.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.cli.Main;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.testing.ProsodyExtension;

/** {@code fleet} against three gateways of one owner: all online, then one stopped and shown offline with its last status. */
class FleetCommandTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gw1", "gw2", "gw3")
            .withAccount("gw1").withAccount("gw2").withAccount("gw3").withAccount("owner");

    @TempDir
    Path dir;

    private final List<Gateway> running = new ArrayList<>();

    @AfterEach
    void stop() {
        running.forEach(Gateway::close);
    }

    private Gateway start(String account, String things) throws Exception {
        Path file = prosody.writeConfig(dir, account, """
                access:
                  owners: [ owner@localhost ]
                things:
                %s""".formatted(things));
        DriverRegistry drivers = DriverRegistry.fromClassPath();
        Gateway g = new Gateway(GatewayConfigLoader.load(file, drivers), drivers);
        running.add(g);
        g.start();
        assertThat(g.uplink().awaitReady(Await.GENEROUS)).as(g.uplink().lastFailure()).isNotNull();
        return g;
    }

    private String fleet(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("fleet", "-c", prosody.writeConfig(dir, "owner", "").toString()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(exit).as(err.toString()).isZero();
        return out.toString();
    }

    @Test
    void theOwnerSeesEveryGatewayAndWhichOneIsGone() throws Exception {
        start("gw1", "  - { id: tank, driver: simulated, fields: [ { name: level } ] }\n");
        start("gw2", "  - { id: a, driver: simulated, fields: [ { name: v } ] }\n  - { id: b, driver: simulated, enabled: false, fields: [ { name: v } ] }\n");
        Gateway third = start("gw3", "  - { id: c, driver: simulated, fields: [ { name: v } ] }\n");

        String all = fleet("--add", "gw1@localhost", "--add", "gw2@localhost", "--add", "gw3@localhost", "--seconds", "30");
        assertThat(all.lines()).anyMatch(l -> l.startsWith("gw1@localhost  online   status of ") && l.endsWith("1 thing: 1 online; backlog 0"))
                .anyMatch(l -> l.startsWith("gw2@localhost  online ") && l.contains("2 things: 1 disabled, 1 online (b: disabled: enabled: false in the configuration)"))
                .anyMatch(l -> l.startsWith("gw3@localhost  online "))
                .noneMatch(l -> l.contains("(stale)"));

        third.close();
        String later = fleet("--seconds", "30");
        assertThat(later.lines()).anyMatch(l -> l.startsWith("gw3@localhost  offline  status of ") && l.endsWith("1 thing: 1 online; backlog 0"))
                .anyMatch(l -> l.startsWith("gw1@localhost  online "));
        assertThat(fleet("--seconds", "30", "--stale", "1ms").lines()).allMatch(l -> l.contains("(stale)"));
    }
}
