package org.xmppiot.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ble-scan} on a machine without Bluetooth (here: a D-Bus address nothing listens on) says why at once, with what
 * to check, instead of listening for the whole time and then saying it had not started.
 */
class BleScanWithoutBluetoothTest {

    @TempDir
    Path dir;

    @Test
    void noBusIsSaidAtOnceWithWhatToCheck() {
        String address = "unix:path=" + dir.resolve("no-bus");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // Asked to listen ten minutes: the answer must come long before, as soon as the bus is found missing.
        int exit = assertTimeoutPreemptively(Duration.ofMinutes(2), () -> Main.run(new String[] {"ble-scan", "--seconds", "600",
                "--dbus-address", address}, new PrintWriter(out, true), new PrintWriter(err, true)));
        assertThat(exit).isEqualTo(ExitCodes.RUNTIME_FAILURE);
        assertThat(err.toString()).startsWith("Cannot scan: no D-Bus socket at " + dir.resolve("no-bus") + " (is dbus installed and running?).")
                .contains("Is bluetoothd running (systemctl status bluetooth), and is this user in the bluetooth group?")
                .doesNotContain("not started yet");
        assertThat(out.toString()).isEmpty();
    }
}
