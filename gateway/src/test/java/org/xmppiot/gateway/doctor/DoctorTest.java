package org.xmppiot.gateway.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.simulators.serial.SerialDeviceSimulator;
import org.xmppiot.gateway.cli.Main;
import org.xmppiot.gateway.testing.ProsodyExtension;

/** {@code doctor} against a real Prosody with TLS: what it finds when all is well, and the fix when it is not. */
class DoctorTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway").withTlsCertificateFor("localhost");

    @TempDir
    Path dir;

    private record Run(int exit, String out) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    private Run doctor(Path config) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new String[] {"doctor", "-c", config.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out + err.toString());
    }

    /** A gateway configuration with TLS on, trusting the test CA; {@code things} continues it. */
    private Path config(String password, String things) throws Exception {
        Path config = prosody.writeConfig(dir, "gateway", password, "");
        Files.writeString(config, Files.readString(config).replace("  tls: disabled\n", "  tls: required\n  ca-file: " + prosody.caFile() + "\n")
                + things);
        return config;
    }

    @Test
    void aHealthyGatewayPassesEveryCheckAndHearsOfItsCertificateEndingSoon() throws Exception {
        try (SerialDeviceSimulator device = SerialDeviceSimulator.start(dir)) {
            Run run = doctor(config(prosody.password("gateway"), "things:\n  - id: bench\n    driver: serial\n    port: " + device.port()
                    + "\n    mapping: { type: csv, fields: [ { name: t, column: 1 } ] }\n"));

            assertThat(run.exit()).as(run.out()).isZero();
            assertThat(run.lines()).as(run.out())
                    .anyMatch(l -> l.matches("ok +java +.*17.*heap up to \\d+ MB"))
                    .anyMatch(l -> l.matches("ok +config +.*gateway.yaml: 1 things, account gateway@localhost"))
                    .anyMatch(l -> l.equals("ok    device   bench: serial port " + device.port() + " (read and write)"))
                    .anyMatch(l -> l.matches("ok +dns +xmpp.server 127.0.0.1 is \\[127.0.0.1\\] .*"))
                    .anyMatch(l -> l.matches("ok +login +gateway@localhost logged in with SCRAM, password from .*gateway.password"))
                    .anyMatch(l -> l.matches("ok +clock +this machine's clock is [+-]\\d+\\.\\d s from the server's"))
                    .anyMatch(l -> l.equals("ok    pubsub   gateway@localhost may create nodes on pubsub.localhost: the gateway publishes there"))
                    // The throwaway CA's certificates last two days.
                    .anyMatch(l -> l.matches("WARN +tls +the server's certificate \\(CN=localhost issued by CN=xmpp-iot-gateway throwaway CA\\) is valid until "
                            + "\\d{4}-\\d\\d-\\d\\d"))
                    .anyMatch(l -> l.endsWith("fix: renew the server's certificate soon"))
                    .noneMatch(l -> l.startsWith("FAIL"));
            assertThat(run.out()).doesNotContain(prosody.password("gateway"));
        }
    }

    @Test
    void aWrongPasswordAndAMissingPortAreProblemsWithTheirFixes() throws Exception {
        Run run = doctor(config("not-the-password", "things:\n  - id: bench\n    driver: serial\n    port: " + dir.resolve("ttyUSB9")
                + "\n    mapping: { type: csv, fields: [ { name: t, column: 1 } ] }\n"));

        assertThat(run.exit()).as(run.out()).isEqualTo(1);
        assertThat(run.lines()).as(run.out())
                .anyMatch(l -> l.equals("FAIL  device   bench: serial port " + dir.resolve("ttyUSB9") + " does not exist"))
                .anyMatch(l -> l.endsWith("fix: is the device plugged in? `xmpp-iot-gateway ports` lists the serial ports this machine has"))
                .anyMatch(l -> l.matches("FAIL +login +The server refused the login of gateway@localhost .*wrong password or no such account; "
                        + "check .*gateway.password\\."))
                .anyMatch(l -> l.matches("(ok|WARN) +tls +.*"))
                .last().asString().matches("2 problems, \\d+ warnings?\\.");
        assertThat(run.out()).doesNotContain("not-the-password");
    }

    @Test
    void aPasswordFileOthersMayReadAndATakenPagePortAreWarningsWithTheirFixes() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Path config = config(prosody.password("gateway"), "http:\n  enabled: true\n  port: " + taken.getLocalPort() + "\n");
            Path password = dir.resolve("gateway.password");
            Files.setPosixFilePermissions(password, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            Run open = doctor(config);
            assertThat(open.lines()).as(open.out())
                    .anyMatch(l -> l.equals("WARN  secrets  " + password + " (the XMPP password) can be read by every user of this machine"))
                    .anyMatch(l -> l.endsWith("fix: chmod 600 " + password + " (and chown it to the user the gateway runs as)"))
                    .anyMatch(l -> l.startsWith("WARN  http     the status page's address 127.0.0.1:" + taken.getLocalPort() + " is taken"));

            Files.setPosixFilePermissions(password, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            taken.close();
            Run fixed = doctor(config);
            assertThat(fixed.lines()).as(fixed.out())
                    .anyMatch(l -> l.equals("ok    secrets  " + password + " (the XMPP password) is readable by its owner only"))
                    .anyMatch(l -> l.equals("ok    http     the status page's address 127.0.0.1:" + taken.getLocalPort() + " is free"));
        }
    }

    @Test
    void eachModbusUnitIdIsAskedWhetherItAnswers() throws Exception {
        try (SerialDeviceSimulator bus = SerialDeviceSimulator.start(dir);
             org.xmppiot.simulators.modbus.ModbusSlaveSimulator slaves = new org.xmppiot.simulators.modbus.ModbusSlaveSimulator().unit(1)) {
            bus.answer(slaves.rtuResponder());
            String map = "    timeout: 300ms\n    registers: [ { name: t, table: input, address: 1, type: int16, scale: 0.1 } ]\n";
            Run run = doctor(config(prosody.password("gateway"), "things:\n"
                    + "  - id: probe\n    driver: modbus\n    port: " + bus.port() + "\n    unit: 1\n" + map
                    + "  - id: missing\n    driver: modbus\n    port: " + bus.port() + "\n    unit: 2\n" + map));

            assertThat(run.exit()).as(run.out()).isEqualTo(1);
            assertThat(run.lines()).as(run.out())
                    .anyMatch(l -> l.equals("ok    device   probe: Modbus RTU bus " + bus.port() + " (read and write)"))
                    .anyMatch(l -> l.equals("ok    device   probe: unit 1 on " + bus.port() + " answers a read of input register 1"))
                    .anyMatch(l -> l.equals("FAIL  device   missing: unit 2 on " + bus.port() + ": unit 2 on " + bus.port()
                            + " does not answer (no reply within 300 ms)"))
                    .anyMatch(l -> l.contains("fix: check the wiring (A and B swapped?)"));
        }
    }

    @Test
    void aServerCertificateFromAnotherCaIsRefusedWithTheWayToTrustIt() throws Exception {
        Path config = prosody.writeConfig(dir, "gateway", "");
        Files.writeString(config, Files.readString(config).replace("  tls: disabled\n", "  tls: required\n"));

        Run run = doctor(config);

        assertThat(run.exit()).as(run.out()).isEqualTo(1);
        assertThat(run.lines()).as(run.out()).anyMatch(l -> l.matches("FAIL +xmpp +The TLS certificate of 127.0.0.1:\\d+ is not trusted for localhost .*"
                + "set xmpp.ca-file to the CA that signed it\\."));
    }

    @Test
    void aBrokenConfigurationStopsTheChecksThereWithItsLineAndKey() throws Exception {
        Path config = dir.resolve("broken.yaml");
        Files.writeString(config, "xmpp:\n  jid: gateway@localhost\n  pasword-file: x\n");

        Run run = doctor(config);

        assertThat(run.exit()).as(run.out()).isEqualTo(2);
        assertThat(run.lines()).as(run.out()).anyMatch(l -> l.matches("FAIL +config +.*broken.yaml:3:3: xmpp.pasword-file: unknown key .*"))
                .noneMatch(l -> l.contains(" dns "));
    }

    @Test
    void theClockIsJudgedByTheBuildDateAndByTimesyncd() throws Exception {
        LocalDate tomorrow = LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1);
        assertThat(new ClockCheck(dir, tomorrow).check().status()).isEqualTo(Finding.Status.FAIL);

        Path timesync = Files.createDirectories(dir.resolve("run/systemd/timesync"));
        Finding waiting = new ClockCheck(dir, LocalDate.of(2026, 1, 1)).check();
        assertThat(waiting.status()).isEqualTo(Finding.Status.WARN);
        assertThat(waiting.detail()).endsWith("not synchronized yet by systemd-timesyncd");

        Files.createFile(timesync.resolve("synchronized"));
        Finding synced = new ClockCheck(dir, LocalDate.of(2026, 1, 1)).check();
        assertThat(synced.status()).isEqualTo(Finding.Status.OK);
        assertThat(synced.detail()).endsWith("synchronized by systemd-timesyncd");
    }
}
