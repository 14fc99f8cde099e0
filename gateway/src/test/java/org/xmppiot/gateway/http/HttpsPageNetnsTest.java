package org.xmppiot.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.testing.Namespace;
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
        try (Namespace ns = Namespace.create("xmppiot-https-", ADDRESS)) {
            Files.writeString(dir.resolve("page.password"), "page secret\n");
            Path config = config("  password-file: page.password\n");
            Path log = dir.resolve("gateway.log");
            startGateway(ns, config, log);
            Matcher shown = SHOWN.matcher(Namespace.read(log));
            assertThat(shown.find()).as(Namespace.read(log)).isTrue();
            String fingerprint = shown.group(1);
            String pin = shown.group(2);
            assertThat(Files.getPosixFilePermissions(dir.resolve("http-tls.p12"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.getPosixFilePermissions(dir.resolve("http-tls.p12.pass"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));

            Namespace.Outcome doctor = ns.run(Namespace.gateway("doctor", "--config", config.toString()));
            assertThat(doctor.output()).contains("has the SHA-256 fingerprint " + fingerprint).contains("curl --pinnedpubkey " + pin);

            Namespace.Outcome pinned = ns.run(List.of(curl, "-sS", "--max-time", "20", "-k", "--pinnedpubkey", pin,
                    "-u", "admin:page secret", "https://" + ADDRESS + ":8443/api/status"));
            assertThat(pinned.code()).as(pinned.output()).isZero();
            assertThat(pinned.output()).contains("\"connected\"");
            Namespace.Outcome otherPin = ns.run(List.of(curl, "-sS", "--max-time", "20", "-k", "--pinnedpubkey",
                    "sha256//" + "A".repeat(43) + "=", "-u", "admin:page secret", "https://" + ADDRESS + ":8443/api/status"));
            assertThat(otherPin.code()).as("curl with another pin: " + otherPin.output()).isEqualTo(90);
            Namespace.Outcome plain = ns.run(List.of(curl, "-sS", "--max-time", "20", "-u", "admin:page secret",
                    "http://" + ADDRESS + ":8443/api/status"));
            assertThat(plain.code()).as("plain HTTP: " + plain.output()).isNotZero();
            assertThat(plain.output()).doesNotContain("\"connected\"");
        }
    }

    @Test
    void withoutAPasswordOnlyALoginByXmppLetsAnyoneIn() throws Exception {
        String curl = WatchedProcess.executable("curl", "curl").toString();
        try (Namespace ns = Namespace.create("xmppiot-xlogin-", ADDRESS)) {
            Path log = dir.resolve("gateway.log");
            startGateway(ns, config(""), log);
            assertThat(Namespace.read(log)).contains("(login by XMPP account)");
            Namespace.Outcome script = ns.run(List.of(curl, "-sS", "-k", "--max-time", "20", "-D", "-",
                    "https://" + ADDRESS + ":8443/api/status"));
            assertThat(script.output()).startsWith("HTTP/1.1 401").doesNotContain("WWW-Authenticate").doesNotContain("\"connected\"")
                    .contains("this page needs a login with an owner's or reader's XMPP account, at /login");
            Namespace.Outcome browser = ns.run(List.of(curl, "-sS", "-k", "--max-time", "20", "-D", "-", "-H", "Accept: text/html",
                    "https://" + ADDRESS + ":8443/"));
            assertThat(browser.output()).startsWith("HTTP/1.1 303").containsIgnoringCase("Location: /login");
            Namespace.Outcome form = ns.run(List.of(curl, "-sS", "-k", "--max-time", "20", "https://" + ADDRESS + ":8443/login"));
            assertThat(form.output()).contains("Log in with your XMPP account");
        }
    }

    /** {@code run} in the namespace, once its log says where the page is. */
    private static void startGateway(Namespace ns, Path config, Path log) throws Exception {
        ns.start(Namespace.gateway("run", "--config", config.toString()), log);
        Await.until("the page on https://" + ADDRESS + ":8443/ in the log", Await.GENEROUS,
                () -> Namespace.read(log).contains("status page on https://" + ADDRESS + ":8443/"));
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
}
