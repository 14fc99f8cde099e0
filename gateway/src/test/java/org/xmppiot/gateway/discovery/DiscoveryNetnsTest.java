package org.xmppiot.gateway.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.simulators.WatchedProcess;

/**
 * Runs {@link DiscoveryScenario} inside a network namespace this test creates and deletes, with only a
 * loopback that carries multicast: mDNS traffic never reaches a real network. Needs root (as the test
 * script and CI run) and iproute2's {@code ip}, which the test script installs.
 */
class DiscoveryNetnsTest {

    @TempDir
    Path dir;

    @Test
    void aSmartObjectIsFoundBridgedAndLostAndAFloodStaysWithinTheCap() throws Exception {
        String ip = WatchedProcess.executable("ip", "iproute2").toString();
        String ns = "xmppiot-mdns-" + ProcessHandle.current().pid();
        run(ip, "netns", "add", ns);
        try {
            run(ip, "netns", "exec", ns, ip, "link", "set", "lo", "up");
            run(ip, "netns", "exec", ns, ip, "link", "set", "lo", "multicast", "on");
            run(ip, "netns", "exec", ns, ip, "route", "add", "224.0.0.0/4", "dev", "lo");
            List<String> command = new ArrayList<>(List.of(ip, "netns", "exec", ns,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                    DiscoveryScenario.class.getName(), dir.toString()));
            Process scenario = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("scenario.log").toFile()).start();
            boolean ended = scenario.waitFor(270, TimeUnit.SECONDS);
            if (!ended) {
                scenario.descendants().forEach(ProcessHandle::destroyForcibly);
                scenario.destroyForcibly();
            }
            String log = java.nio.file.Files.readString(dir.resolve("scenario.log"), StandardCharsets.UTF_8);
            List<String> summary = log.lines().filter(l -> !l.contains(" DEBUG ") && (l.startsWith("discovered") || l.startsWith("readings")
                    || l.startsWith("marked") || l.startsWith("available") || l.startsWith("flood") || l.startsWith("gateway ") || l.startsWith("object ")
                    || l.startsWith("SCENARIO"))).toList();
            summary.forEach(System.out::println);
            assertThat(ended).as("the scenario ended within 270 s").isTrue();
            assertThat(log).as(tail(log)).contains("SCENARIO OK");
        } finally {
            run(ip, "netns", "delete", ns);
        }
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out
                    + (ProcessHandle.current().info().user().orElse("").equals("root") ? "" : " (network namespaces need root)"));
        }
    }
}
