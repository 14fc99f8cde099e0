package org.xmppiot.gateway.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Everything the demo needs besides the gateway: a throwaway Prosody with a gateway and a watcher
 * account, and their configuration files in a temp directory. Closing it stops the server by PID
 * and deletes the files.
 */
public final class DemoEnvironment implements AutoCloseable {

    private final ProsodyServer server;
    private final Path directory;
    private final SimulatedArduino arduino;
    private final List<String> nodes;
    /** The server's certificate and the CA the accounts trust for it; null without TLS. */
    private final ThrowawayCertificates certificates;

    private DemoEnvironment(ProsodyServer server, Path directory, SimulatedArduino arduino, ThrowawayCertificates certificates) {
        this.server = server;
        this.directory = directory;
        this.arduino = arduino;
        this.certificates = certificates;
        this.nodes = List.of("demo/greenhouse", arduino == null ? "demo/water-tank" : "demo/workbench");
    }

    /**
     * Starts the server and writes the configurations. With {@code serial}, the second thing is a
     * simulated Arduino on a pseudo-terminal (needs socat), read by the serial driver. With {@code tls}, the server
     * offers STARTTLS with a certificate from a throwaway CA (needs openssl), and both accounts require TLS and verify
     * the certificate against that CA, as they would a real server's.
     */
    public static DemoEnvironment start(boolean serial, boolean tls) throws IOException, InterruptedException {
        ThrowawayCertificates certificates = tls ? ThrowawayCertificates.create(ProsodyServer.DOMAIN) : null;
        ProsodyServer.Options options = ProsodyServer.Options.withPubSubAdmins("gateway@" + ProsodyServer.DOMAIN);
        ProsodyServer server;
        try {
            server = ProsodyServer.start(tls ? options.withTls(certificates.serverCertificate(), certificates.serverKey()).requiringEncryption()
                    : options);
        } catch (IOException | InterruptedException | RuntimeException e) {
            closeQuietly(certificates);
            throw e;
        }
        Path dir = null;
        SimulatedArduino arduino = null;
        try {
            dir = Files.createTempDirectory("xmpp-iot-demo-");
            if (serial) {
                arduino = SimulatedArduino.start(dir);
            }
            for (String account : List.of("gateway", "watcher")) {
                String password = org.xmppiot.gateway.onboarding.OwnedFiles.randomPassword();
                server.register(account, password);
                Path secret = dir.resolve(account + ".password");
                Files.writeString(secret, password + "\n", StandardCharsets.UTF_8);
                Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
                String template = serial && account.equals("gateway") ? "gateway-serial.yaml" : account + ".yaml";
                String text = template(template, server.port(), arduino);
                Files.writeString(dir.resolve(account + ".yaml"), tls ? verifying(text, certificates.caCertificate()) : text, StandardCharsets.UTF_8);
            }
            return new DemoEnvironment(server, dir, arduino, certificates);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (arduino != null) {
                arduino.close();
            }
            server.close();
            closeQuietly(certificates);
            deleteQuietly(dir);
            throw e;
        }
    }

    private static String template(String name, int port, SimulatedArduino arduino) throws IOException {
        try (InputStream in = DemoEnvironment.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("demo template " + name + " is missing from the jar");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("@PORT@", Integer.toString(port));
            return arduino == null ? text : text.replace("@SERIAL_PORT@", arduino.port().toString());
        }
    }

    /** The template's plain-text line for loopback replaced by TLS verified against {@code ca}. */
    private static String verifying(String config, Path ca) {
        java.util.regex.Matcher plain = java.util.regex.Pattern.compile("(?m)^  tls: disabled.*$").matcher(config);
        if (!plain.find()) {
            throw new IllegalStateException("demo template without its line 'tls: disabled'");
        }
        return plain.replaceFirst(java.util.regex.Matcher.quoteReplacement(
                "  tls: required              # STARTTLS, the certificate checked against the CA below\n  ca-file: " + ca));
    }

    /** The pub/sub nodes of the demo's two things. */
    public List<String> nodes() {
        return nodes;
    }

    public ProsodyServer server() {
        return server;
    }

    public Path gatewayConfig() {
        return directory.resolve("gateway.yaml");
    }

    public Path watcherConfig() {
        return directory.resolve("watcher.yaml");
    }

    @Override
    public void close() {
        if (arduino != null) {
            arduino.close();
        }
        server.close();
        closeQuietly(certificates);
        deleteQuietly(directory);
    }

    private static void closeQuietly(ThrowawayCertificates certificates) {
        if (certificates == null) {
            return;
        }
        try {
            certificates.close();
        } catch (IOException ignored) {
            // Keys of a throwaway CA valid for two days, in a temp directory.
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // Only demo files in a temp directory; nothing depends on their removal.
        }
    }
}
