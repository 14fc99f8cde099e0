package org.xmppiot.simulators;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.xmppiot.core.testing.Await;
import org.junit.jupiter.api.io.TempDir;

/** Helper programs (test servers, pseudo-terminals) never outlive the JVM that started them. */
class WatchedProcessTest {

    @TempDir
    Path dir;

    @Test
    void theHelperStopsAndItsScratchDirectoryGoesWhenItsJvmIsKilled() throws Exception {
        Path pidFile = dir.resolve("helper.pid");
        Path scratch = Files.createDirectory(dir.resolve("scratch"));
        Files.writeString(scratch.resolve("data"), "x");
        Process jvm = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StartHelperAndWait.class.getName(), pidFile.toString(),
                scratch.toString())).redirectErrorStream(true).start();
        long helper;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("started");
            helper = awaitPid(pidFile);
            assertThat(alive(helper)).isTrue();
            jvm.destroyForcibly();
            assertThat(jvm.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            jvm.destroyForcibly();
        }
        Await.until("the helper to end after its JVM died", () -> !alive(helper));
        Await.until("the scratch directory to be removed", () -> !Files.exists(scratch));
    }

    @Test
    void stoppingTheProcessStopsTheHelperAndKeepsTheScratchDirectoryOfALiveOwner() throws Exception {
        Path pidFile = dir.resolve("helper.pid");
        Path scratch = Files.createDirectory(dir.resolve("scratch"));
        Process p = WatchedProcess.start(StartHelperAndWait.helper(pidFile), null, scratch);
        long helper = awaitPid(pidFile);

        WatchedProcess.stop(p, 5);

        assertThat(p.isAlive()).isFalse();
        Await.until("the helper to end", () -> !alive(helper));
        assertThat(scratch).exists();
    }

    @Test
    void aMissingProgramNamesThePackageToInstall() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WatchedProcess.executable("no-such-program-xyz", "xyz-tools"))
                .hasMessage("no-such-program-xyz is not installed; install it with: sudo apt-get install -y xyz-tools");
    }

    private static long awaitPid(Path pidFile) throws Exception {
        return Await.value("the helper to write its PID", Await.GENEROUS, () -> {
            try {
                String text = Files.exists(pidFile) ? Files.readString(pidFile).trim() : "";
                return text.isEmpty() ? null : Long.parseLong(text);
            } catch (java.io.IOException e) {
                return null; // Being written.
            }
        });
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
