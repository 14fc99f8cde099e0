package org.xmppiot.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.cli.Main;
import org.xmppiot.simulators.WatchedProcess;

/**
 * The page on an address other machines can reach is served over HTTPS only, with a certificate the gateway makes
 * itself: the gateway runs (`run`, as the service does) inside a network namespace this test creates, bound to
 * 10.77.0.1 on that namespace's loopback, so nothing listens beyond this machine. curl with the pin that the log and
 * doctor show gets the API; a wrong pin and plain HTTP get nothing. Needs root and iproute2 (the test script installs
 * it) and curl.
 */
class HttpsPageNetnsTest {

    private static final String ADDRESS = "10.77.0.1";
    private static final Pattern SHOWN = Pattern.compile("SHA-256 fingerprint is ((?:[0-9A-F]{2}:){31}[0-9A-F]{2}) .*--pinnedpubkey (sha256//\\S+)\\)");

    @TempDir
    Path dir;

    @Test
    void aPageOthersCanReachIsHttpsOnlyWithTheFingerprintAndPinTheLogAndDoctorShow() throws Exception {
        String curl = WatchedProcess.executable("curl", "curl").toString();
        try (Namespace ns = Namespace.create("xmppiot-https-")) {
            Files.writeString(dir.resolve("page.password"), "page secret\n");
            Path config = config("  password-file: page.password\n");
            Path log = dir.resolve("gateway.log");
            ns.startGateway(config, log);
            Matcher shown = SHOWN.matcher(read(log));
            assertThat(shown.find()).as(read(log)).isTrue();
            String fingerprint = shown.group(1);
            String pin = shown.group(2);
            assertThat(Files.getPosixFilePermissions(dir.resolve("http-tls.p12"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.getPosixFilePermissions(dir.resolve("http-tls.p12.pass"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));

            Outcome doctor = ns.run(java("doctor", "--config", config.toString()));
            assertThat(doctor.output()).contains("has the SHA-256 fingerprint " + fingerprint).contains("curl --pinnedpubkey " + pin);

            Outcome pinned = ns.run(List.of(curl, "-sS", "--max-time", "20", "-k", "--pinnedpubkey", pin,
                    "-u", "admin:page secret", "https://" + ADDRESS + ":8443/api/status"));
            assertThat(pinned.code()).as(pinned.output()).isZero();
            assertThat(pinned.output()).contains("\"connected\"");
            Outcome otherPin = ns.run(List.of(curl, "-sS", "--max-time", "20", "-k", "--pinnedpubkey",
                    "sha256//" + "A".repeat(43) + "=", "-u", "admin:page secret", "https://" + ADDRESS + ":8443/api/status"));
            assertThat(otherPin.code()).as("curl with another pin: " + otherPin.output()).isEqualTo(90);
            Outcome plain = ns.run(List.of(curl, "-sS", "--max-time", "20", "-u", "admin:page secret",
                    "http://" + ADDRESS + ":8443/api/status"));
            assertThat(plain.code()).as("plain HTTP: " + plain.output()).isNotZero();
            assertThat(plain.output()).doesNotContain("\"connected\"");
        }
    }

    @Test
    void withoutAPasswordOnlyALoginByXmppLetsAnyoneIn() throws Exception {
        String curl = WatchedProcess.executable("curl", "curl").toString();
        try (Namespace ns = Namespace.create("xmppiot-xlogin-")) {
            Path log = dir.resolve("gateway.log");
            ns.startGateway(config(""), log);
            assertThat(read(log)).contains("(login by XMPP account)");
            Outcome script = ns.run(List.of(curl, "-sS", "-k", "--max-time", "20", "-D", "-",
                    "https://" + ADDRESS + ":8443/api/status"));
            assertThat(script.output()).startsWith("HTTP/1.1 401").doesNotContain("WWW-Authenticate").doesNotContain("\"connected\"")
                    .contains("this page needs a login with an owner's or reader's XMPP account, at /login");
            Outcome browser = ns.run(List.of(curl, "-sS", "-k", "--max-time", "20", "-D", "-", "-H", "Accept: text/html",
                    "https://" + ADDRESS + ":8443/"));
            assertThat(browser.output()).startsWith("HTTP/1.1 303").containsIgnoringCase("Location: /login");
            Outcome form = ns.run(List.of(curl, "-sS", "-k", "--max-time", "20", "https://" + ADDRESS + ":8443/login"));
            assertThat(form.output()).contains("Log in with your XMPP account");
        }
    }

    /**
     * A network namespace with {@link #ADDRESS} on its own loopback (an address like a LAN one, not 127/8, that nothing
     * outside can reach), and the gateway run in it; closing stops the gateway by PID and deletes the namespace.
     */
    private static final class Namespace implements AutoCloseable {
        private final String ip;
        private final String name;
        private Process gateway;

        private Namespace(String ip, String name) {
            this.ip = ip;
            this.name = name;
        }

        static Namespace create(String prefix) throws Exception {
            Namespace ns = new Namespace(WatchedProcess.executable("ip", "iproute2").toString(), prefix + ProcessHandle.current().pid());
            must(ns.ip, "netns", "add", ns.name);
            try {
                must(ns.ip, "-n", ns.name, "link", "set", "lo", "up");
                must(ns.ip, "-n", ns.name, "addr", "add", ADDRESS + "/32", "dev", "lo");
            } catch (Exception | AssertionError e) {
                ns.close();
                throw e;
            }
            return ns;
        }

        /** {@code run} in the namespace, once its log says where the page is. */
        void startGateway(Path config, Path log) throws Exception {
            gateway = new ProcessBuilder(inside(java("run", "--config", config.toString())))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Await.until("the page on https://" + ADDRESS + ":8443/ in the log", Await.GENEROUS,
                    () -> read(log).contains("status page on https://" + ADDRESS + ":8443/"));
        }

        Outcome run(List<String> command) throws Exception {
            return HttpsPageNetnsTest.run(inside(command));
        }

        private List<String> inside(List<String> command) {
            List<String> all = new ArrayList<>(List.of(ip, "netns", "exec", name));
            all.addAll(command);
            return all;
        }

        @Override
        public void close() throws Exception {
            if (gateway != null) {
                gateway.destroy();
                if (!gateway.waitFor(30, TimeUnit.SECONDS)) {
                    gateway.destroyForcibly();
                }
            }
            must(ip, "netns", "delete", name);
        }
    }

    /**
     * A configuration whose page is on {@link #ADDRESS}:8443 with {@code httpExtra}, an owner to log in, and no XMPP server
     * in the namespace: the gateway keeps trying to connect and serves its page meanwhile.
     */
    private Path config(String httpExtra) throws java.io.IOException {
        Files.writeString(dir.resolve("xmpp.password"), "not-used\n");
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, """
                xmpp:
                  jid: gateway@localhost
                  password-file: xmpp.password
                  server: 127.0.0.1
                  port: 5999
                  tls: disabled
                access:
                  owners: [ alice@localhost ]
                store:
                  path: readings.db
                things:
                  - id: tank
                    driver: simulated
                    interval: 1s
                    fields:
                      - { name: level, unit: cm, waveform: sine, min: 0, max: 200, period: 1m, decimals: 1 }
                http:
                  enabled: true
                  bind: %s
                  port: 8443
                %s""".formatted(ADDRESS, httpExtra), StandardCharsets.UTF_8);
        return config;
    }

    /** The gateway's command line, on this test's class path. */
    private static List<String> java(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    record Outcome(int code, String output) {
    }

    private static Outcome run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish: " + out);
        }
        return new Outcome(p.exitValue(), out);
    }

    private static void must(String... command) throws Exception {
        Outcome o = run(List.of(command));
        if (o.code() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + o.output()
                    + (ProcessHandle.current().info().user().orElse("").equals("root") ? "" : " (network namespaces need root)"));
        }
    }
}
