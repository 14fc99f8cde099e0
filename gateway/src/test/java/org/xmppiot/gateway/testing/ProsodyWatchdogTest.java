package org.xmppiot.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.xmppiot.core.testing.Await;

/** A JVM that dies without stopping its server (SIGKILL, a crash) must not leave the server running. */
class ProsodyWatchdogTest {

    @Test
    void theServerStopsAndIsRemovedWhenItsJvmIsKilled() throws Exception {
        Process jvm = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StartProsodyAndWait.class.getName()))
                .redirectErrorStream(true).start();
        long serverPid;
        Path dir;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            Matcher m = null;
            while ((line = out.readLine()) != null) {
                m = Pattern.compile("pid=(\\d+) dir=(\\S+)").matcher(line);
                if (m.matches()) {
                    break;
                }
            }
            assertThat(line).as("the child JVM did not start a server").isNotNull();
            serverPid = Long.parseLong(m.group(1));
            dir = Path.of(m.group(2));
            assertThat(ProcessHandle.of(serverPid)).isPresent();

            jvm.destroyForcibly();
            assertThat(jvm.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            jvm.destroyForcibly();
        }
        Optional<ProcessHandle> server = ProcessHandle.of(serverPid);
        Await.until("the server to end after its JVM died", () -> !server.map(ProcessHandle::isAlive).orElse(false));
        Path serverDir = dir;
        Await.until("the server directory to be removed", () -> !Files.exists(serverDir));
    }
}
