package org.xmppiot.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.testing.ProsodyExtension;

/** A wrong password, an unreachable server, a server without TLS, a refused node: one clear sentence each. */
class ConnectionFailuresTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway").withAccount("reader");

    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {
    }

    private static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    private static void assertOneSentence(String err) {
        assertThat(err.lines().toList()).hasSize(1);
        assertThat(err).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void aWrongPasswordIsOneSentenceNamingWhereThePasswordCameFrom() throws Exception {
        Path config = prosody.writeConfig(dir, "reader", "not-the-password", "");
        Result r = cli("watch", "-c", config.toString(), "--timeout", "5", "any/node");
        assertThat(r.exit()).isEqualTo(1);
        assertOneSentence(r.err());
        assertThat(r.err()).startsWith("The server refused the login of reader@localhost (SCRAM-SHA-1: not-authorized): "
                + "wrong password or no such account; check " + dir.resolve("reader.password"));
        assertThat(r.err()).doesNotContain("not-the-password");
    }

    @Test
    void anUnreachableServerIsOneSentence() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Path config = prosody.writeConfig(dir, "reader", "");
        Files.writeString(config, Files.readString(config).replace("port: " + prosody.port(), "port: " + closedPort));
        Result r = cli("watch", "-c", config.toString(), "--timeout", "5", "any/node");
        assertThat(r.exit()).isEqualTo(1);
        assertOneSentence(r.err());
        assertThat(r.err()).contains("Cannot reach").contains(":" + closedPort).contains("connection refused")
                .contains("is the XMPP server running");
    }

    @Test
    void tlsRequiredAgainstAServerWithoutTlsRefusesToLogIn() throws Exception {
        Path config = prosody.writeConfig(dir, "reader", "");
        Files.writeString(config, Files.readString(config).replace("tls: disabled", "tls: required"));
        Result r = cli("watch", "-c", config.toString(), "--timeout", "5", "any/node");
        assertThat(r.exit()).isEqualTo(1);
        assertOneSentence(r.err());
        assertThat(r.err()).contains("does not offer TLS (STARTTLS), and xmpp.tls is 'required'");
    }

    @Test
    void watchingAMissingNodeSaysSo() throws Exception {
        Path config = prosody.writeConfig(dir, "reader", "");
        Result r = cli("watch", "-c", config.toString(), "--timeout", "5", "no/such/node");
        assertThat(r.exit()).isEqualTo(1);
        assertOneSentence(r.err());
        assertThat(r.err()).contains("Cannot watch node 'no/such/node' on pubsub.localhost: item-not-found (no such node");
    }

    @Test
    void theGatewayKeepsRetryingAWrongPasswordAndSaysWhy() throws Exception {
        Path config = prosody.writeConfig(dir, "gateway", "wrong", "things:\n  - { id: t, driver: simulated, fields: [ { name: v } ] }\n");
        try (Gateway gateway = new Gateway(GatewayConfigLoader.load(config, DriverRegistry.fromClassPath()), DriverRegistry.fromClassPath())) {
            gateway.start();
            Await.until("the uplink to fail", () -> gateway.uplink().lastFailure() != null);
            assertThat(gateway.uplink().lastFailure()).startsWith("The server refused the login of gateway@localhost");
            assertThat(gateway.uplink().isReady()).isFalse();
            // Readings keep being taken while the uplink is down.
            assertThat(gateway.bus().latest().fields("t")).isNotEmpty();
        }
    }

    @Test
    void anAccountThatMayNotCreateNodesStaysOnlineAndGetsTheFixInTheSentence() throws Exception {
        Path config = prosody.writeConfig(dir, "reader", "things:\n  - { id: t, driver: simulated, fields: [ { name: v } ] }\n");
        try (Gateway gateway = new Gateway(GatewayConfigLoader.load(config, DriverRegistry.fromClassPath()), DriverRegistry.fromClassPath())) {
            gateway.start();
            assertThat(gateway.uplink().awaitReady(Await.GENEROUS)).as(gateway.uplink().lastFailure()).isNotNull();
            // It publishes to its own PEP nodes instead, and says why with the fix.
            assertThat(gateway.status()).contains("Publishing to the PEP nodes of reader@localhost instead: "
                    + "Cannot set up pub/sub node 'reader/t' on pubsub.localhost: the server answered ").contains("list it in the pubsub component's admins");
        }
    }

    @Test
    void checkConfigNamesLineAndKeyOfABrokenFile() throws Exception {
        Path file = dir.resolve("broken.yaml");
        Files.write(file, List.of("xmpp:", "  jid: gw@example.org", "  password-file: pw", "things:", "  - id: t",
                "    driver: simulated", "    intervall: 1s", "    fields: [ { name: v } ]"));
        Files.writeString(dir.resolve("pw"), "x");
        Result r = cli("check-config", "-c", file.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertOneSentence(r.err());
        assertThat(r.err()).startsWith(file + ":7:5: things[0].intervall: unknown key 'intervall' (did you mean 'interval'?)");
    }

    @Test
    void checkConfigRefusesAnImpossibleModbusMapWithItsLine() throws Exception {
        Path file = dir.resolve("modbus.yaml");
        Files.write(file, List.of("xmpp:", "  jid: gw@example.org", "  password-file: pw", "things:", "  - id: meter",
                "    driver: modbus", "    host: 192.0.2.10", "    registers:",
                "      - { name: power, table: input, address: 0x10, type: float32 }",
                "      - { name: current, table: input, address: 0x11, type: uint16 }"));
        Files.writeString(dir.resolve("pw"), "x");
        Result r = cli("check-config", "-c", file.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith(file + ":10:9: things[0].registers[1]: 'current' (input register 17) overlaps 'power' (input registers 16-17)");

        Files.write(file, List.of("xmpp:", "  jid: gw@example.org", "  password-file: pw", "things:", "  - id: meter",
                "    driver: modbus", "    port: /dev/ttyUSB0", "    unit: 300", "    profile: sdm630"));
        r = cli("check-config", "-c", file.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith(file + ":8:5: things[0].unit: 300 is out of range; expected 1 to 247");

        Files.write(file, List.of("xmpp:", "  jid: gw@example.org", "  password-file: pw", "things:",
                "  - { id: meter, driver: modbus, port: /dev/ttyUSB0, unit: 1, profile: sdm120 }",
                "  - { id: probe, driver: modbus, port: /dev/ttyUSB0, baud: 2400, unit: 1, profile: xy-md02 }"));
        r = cli("check-config", "-c", file.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith(file + ":6:").contains("unit 1 on /dev/ttyUSB0 is already 'meter' (line 5)");
    }

    @Test
    void checkConfigSummarisesAGoodFile() throws Exception {
        Path config = prosody.writeConfig(dir, "gateway", "things:\n  - { id: t, driver: simulated, fields: [ { name: v } ] }\n");
        Result r = cli("check-config", "-c", config.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith(config + ": OK")
                .contains("account:  gateway@localhost/gateway, password from " + dir.resolve("gateway.password"))
                .contains("t (simulated) -> node gateway/t")
                .doesNotContain(prosody.password("gateway"));
    }
}
