package org.xmppiot.gateway.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * Everything the demo needs besides the gateway: a throwaway Prosody with a gateway and a watcher
 * account, and their configuration files in a temp directory. Closing it stops the server by PID
 * and deletes the files.
 */
public final class DemoEnvironment implements AutoCloseable {

    public static final List<String> NODES = List.of("demo/greenhouse", "demo/water-tank");

    private final ProsodyServer server;
    private final Path directory;

    private DemoEnvironment(ProsodyServer server, Path directory) {
        this.server = server;
        this.directory = directory;
    }

    public static DemoEnvironment start() throws IOException, InterruptedException {
        ProsodyServer server = ProsodyServer.start(ProsodyServer.Options.withPubSubAdmins("gateway@" + ProsodyServer.DOMAIN));
        Path dir = null;
        try {
            dir = Files.createTempDirectory("xmpp-iot-demo-");
            for (String account : List.of("gateway", "watcher")) {
                String password = randomPassword();
                server.register(account, password);
                Path secret = dir.resolve(account + ".password");
                Files.writeString(secret, password + "\n", StandardCharsets.UTF_8);
                Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
                Files.writeString(dir.resolve(account + ".yaml"), template(account + ".yaml", server.port()), StandardCharsets.UTF_8);
            }
            return new DemoEnvironment(server, dir);
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            deleteQuietly(dir);
            throw e;
        }
    }

    private static String template(String name, int port) throws IOException {
        try (InputStream in = DemoEnvironment.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("demo template " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("@PORT@", Integer.toString(port));
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
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
        server.close();
        deleteQuietly(directory);
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
