package org.xmppiot.gateway.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway CA and one server certificate it signed, made with openssl in a temp directory (valid two days): for the
 * demo's server with STARTTLS, and for tests and benchmarks of TLS. Closing it deletes the keys.
 */
public final class ThrowawayCertificates implements AutoCloseable {

    private final Path dir;

    private ThrowawayCertificates(Path dir) {
        this.dir = dir;
    }

    /** A certificate the CA issued and its key. */
    public record Issued(Path certificate, Path key) {
    }

    public static ThrowawayCertificates create(String hostName) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("xmpp-iot-certs-");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=xmpp-iot-gateway throwaway CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                "-keyout", "ca.key", "-out", "ca.pem");
        ThrowawayCertificates certificates = new ThrowawayCertificates(dir);
        certificates.issue("server", hostName);
        return certificates;
    }

    /**
     * Has the CA issue {@code name.pem} (and {@code name.key}) for {@code dnsNames}, the first also its common name; for
     * servers and for servers talking to servers (s2s presents it as a client too).
     */
    public Issued issue(String name, String... dnsNames) throws IOException, InterruptedException {
        Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=" + String.join(",", Stream.of(dnsNames).map(d -> "DNS:" + d).toList())
                + "\nextendedKeyUsage=serverAuth,clientAuth\n");
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + dnsNames[0], "-keyout", name + ".key", "-out", name + ".csr");
        openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-extfile", name + ".ext", "-out", name + ".pem");
        return new Issued(dir.resolve(name + ".pem"), dir.resolve(name + ".key"));
    }

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = Stream.concat(Stream.of("openssl"), Stream.of(args)).toList();
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("openssl makes the throwaway certificates and could not be run (apt-get install openssl): "
                    + e.getMessage(), e);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed: " + output);
        }
    }

    public Path caCertificate() {
        return dir.resolve("ca.pem");
    }

    public Path serverCertificate() {
        return dir.resolve("server.pem");
    }

    public Path serverKey() {
        return dir.resolve("server.key");
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
