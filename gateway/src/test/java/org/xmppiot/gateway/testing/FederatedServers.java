package org.xmppiot.gateway.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.demo.ThrowawayCertificates;
import org.xmppiot.simulators.WatchedProcess;

/**
 * Real Prosody servers, one per domain, each on its own address inside a {@link Namespace}, that talk to each other
 * over s2s as servers on the Internet do: TLS with certificates from one test CA, checked both ways (SASL EXTERNAL,
 * {@code s2s_secure_auth}), names found in a hosts file of their own (Prosody's resolver reads it; DNS is never asked).
 * Each domain has a pub/sub service {@code pubsub.DOMAIN} whose admin is {@code gateway@DOMAIN}; clients must use TLS.
 */
public final class FederatedServers implements AutoCloseable {

    /** A domain and the address its server listens on (c2s 5222, s2s 5269). */
    public record Host(String domain, String address) {
    }

    private static final String PROSODY_USER = "prosody";

    private final Path dir;
    private final ThrowawayCertificates certificates;
    private final Map<String, Path> configs = new LinkedHashMap<>();

    private FederatedServers(Path dir, ThrowawayCertificates certificates) {
        this.dir = dir;
        this.certificates = certificates;
    }

    /** Starts a server per host in {@code ns} (whose loopback has the hosts' addresses) and waits for each to listen. */
    public static FederatedServers start(Namespace ns, Host... hosts) throws Exception {
        Path dir = Files.createTempDirectory("xmpp-iot-federation-");
        FederatedServers servers = new FederatedServers(dir, ThrowawayCertificates.create("ca-only.invalid"));
        try {
            StringBuilder names = new StringBuilder();
            for (Host h : hosts) {
                names.append(h.address()).append(' ').append(h.domain()).append(" pubsub.").append(h.domain()).append('\n');
            }
            Files.writeString(dir.resolve("hosts"), names.toString(), StandardCharsets.UTF_8);
            Files.copy(servers.certificates.caCertificate(), dir.resolve("ca.pem"));
            for (Host h : hosts) {
                servers.configure(h);
            }
            handOver(dir);
            Path prosody = WatchedProcess.executable("prosody", "prosody");
            Path setpriv = WatchedProcess.executable("setpriv", "util-linux");
            for (Host h : hosts) {
                ns.start(List.of(setpriv.toString(), "--reuid=" + PROSODY_USER, "--regid=" + PROSODY_USER, "--init-groups",
                        prosody.toString(), "-F", "--config", servers.configs.get(h.domain()).toString()), dir.resolve(h.domain() + ".out"));
            }
            for (Host h : hosts) {
                Await.until(h.domain() + "'s server listening on " + h.address() + ":5222 and :5269", Await.GENEROUS,
                        () -> listening(ns, h.address(), 5222) && listening(ns, h.address(), 5269));
            }
            return servers;
        } catch (Exception | AssertionError e) {
            servers.close();
            throw e;
        }
    }

    private void configure(Host h) throws IOException, InterruptedException {
        Path home = dir.resolve(h.domain());
        Files.createDirectories(home.resolve("data"));
        ThrowawayCertificates.Issued issued = certificates.issue(h.domain(), h.domain(), "*." + h.domain());
        Files.copy(issued.certificate(), home.resolve("tls.crt"));
        Files.copy(issued.key(), home.resolve("tls.key"));
        Path config = home.resolve("prosody.cfg.lua");
        Files.writeString(config, """
                -- Throwaway federated server written by a test; deleted when it stops.
                pidfile = "%1$s/prosody.pid"
                data_path = "%1$s/data"
                log = { { levels = { min = "info" }, to = "file", filename = "%1$s/prosody.log" } }
                interfaces = { "%2$s" }
                c2s_ports = { 5222 }
                s2s_ports = { 5269 }
                c2s_direct_tls_ports = { }
                component_ports = { }
                http_ports = { }
                https_ports = { }
                modules_enabled = { "roster", "saslauth", "tls", "disco", "ping", "pep", "dialback", "s2s" }
                authentication = "internal_hashed"
                c2s_require_encryption = true
                s2s_require_encryption = true
                s2s_secure_auth = true
                unbound = { hoststxt = "%3$s/hosts"; resolvconf = false }
                ssl = { certificate = "%1$s/tls.crt", key = "%1$s/tls.key", cafile = "%3$s/ca.pem" }

                VirtualHost "%4$s"
                Component "pubsub.%4$s" "pubsub"
                    admins = { "gateway@%4$s" }
                """.formatted(home, h.address(), dir, h.domain()), StandardCharsets.UTF_8);
        configs.put(h.domain(), config);
    }

    /** The CA that issued every server's certificate, for clients to trust. */
    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    /** Creates {@code user@domain} with {@code password} (SCRAM-hashed) with prosodyctl. */
    public void register(String user, String domain, String password) throws Exception {
        List<String> command = new ArrayList<>(List.of(WatchedProcess.executable("prosodyctl", "prosody").toString(),
                "--config", configs.get(domain).toString(), "register", user, domain, password));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("prosodyctl register " + user + "@" + domain + " failed: " + output.trim());
        }
    }

    /** The server log of {@code domain}, for a failing test's message. */
    public String log(String domain) {
        try {
            return Files.readString(dir.resolve(domain).resolve("prosody.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static boolean listening(Namespace ns, String address, int port) {
        try {
            return ns.run(List.of("/bin/bash", "-c", "exec 3<>/dev/tcp/" + address + "/" + port), 30).code() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** Gives the servers' directory to Prosody's user: it refuses to run as root, and reads its files as itself. */
    private static void handOver(Path dir) throws Exception {
        Process p = new ProcessBuilder("chown", "-R", PROSODY_USER + ":" + PROSODY_USER, dir.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("chown of " + dir + " failed: " + output);
        }
    }

    /** The servers are stopped with their namespace (by PID); this removes their files and the CA. */
    @Override
    public void close() throws IOException {
        certificates.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
