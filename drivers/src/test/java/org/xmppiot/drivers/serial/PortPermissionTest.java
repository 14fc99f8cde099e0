package org.xmppiot.drivers.serial;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.simulators.WatchedProcess;
import org.xmppiot.simulators.serial.SerialDeviceSimulator;

/**
 * A port the gateway may not open is the commonest first-day problem on a Pi: the error must name
 * the fix. The port is made unreadable and opened from a JVM without the right to override file
 * permissions (as root, that right is dropped with setpriv; other users never had it).
 */
class PortPermissionTest {

    @TempDir
    Path dir;

    @Test
    void permissionDeniedNamesTheDialoutGroup() throws Exception {
        try (SerialDeviceSimulator device = SerialDeviceSimulator.start(dir)) {
            Path pty = device.port().toRealPath();
            Files.setPosixFilePermissions(pty, PosixFilePermissions.fromString("---------"));

            List<String> command = new ArrayList<>();
            if ("root".equals(System.getProperty("user.name"))) {
                command.addAll(List.of(WatchedProcess.executable("setpriv", "util-linux").toString(),
                        "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"));
            }
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), ReportFirstPortState.class.getName(), device.port().toString()));
            Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();

            assertThat(output).contains("state: error (permission denied on " + device.port()
                    + ": add the gateway's user to the port's group, usually dialout (sudo usermod -aG dialout USER), then restart the gateway)");
        }
    }
}
