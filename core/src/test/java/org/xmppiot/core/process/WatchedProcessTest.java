package org.xmppiot.core.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
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
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((alive(helper) || Files.exists(scratch)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(alive(helper)).as("helper still running after its JVM died").isFalse();
        assertThat(scratch).as("scratch directory left behind").doesNotExist();
    }

    @Test
    void stoppingTheProcessStopsTheHelperAndKeepsTheScratchDirectoryOfALiveOwner() throws Exception {
        Path pidFile = dir.resolve("helper.pid");
        Path scratch = Files.createDirectory(dir.resolve("scratch"));
        Process p = WatchedProcess.start(StartHelperAndWait.helper(pidFile), null, scratch);
        long helper = awaitPid(pidFile);

        WatchedProcess.stop(p, 5);

        assertThat(p.isAlive()).isFalse();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (alive(helper) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(alive(helper)).isFalse();
        assertThat(scratch).exists();
    }

    @Test
    void aMissingProgramNamesThePackageToInstall() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WatchedProcess.executable("no-such-program-xyz", "xyz-tools"))
                .hasMessage("no-such-program-xyz is not installed; install it with: sudo apt-get install -y xyz-tools");
    }

    private static long awaitPid(Path pidFile) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (Files.exists(pidFile)) {
                String text = Files.readString(pidFile).trim();
                if (!text.isEmpty()) {
                    return Long.parseLong(text);
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("helper never wrote its PID");
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
