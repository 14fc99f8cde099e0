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

    private DemoEnvironment(ProsodyServer server, Path directory, SimulatedArduino arduino) {
        this.server = server;
        this.directory = directory;
        this.arduino = arduino;
        this.nodes = List.of("demo/greenhouse", arduino == null ? "demo/water-tank" : "demo/workbench");
    }

    /**
     * Starts the server and writes the configurations. With {@code serial}, the second thing is a
     * simulated Arduino on a pseudo-terminal (needs socat), read by the serial driver.
     */
    public static DemoEnvironment start(boolean serial) throws IOException, InterruptedException {
        ProsodyServer server = ProsodyServer.start(ProsodyServer.Options.withPubSubAdmins("gateway@" + ProsodyServer.DOMAIN));
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
                Files.writeString(dir.resolve(account + ".yaml"), template(template, server.port(), arduino), StandardCharsets.UTF_8);
            }
            return new DemoEnvironment(server, dir, arduino);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (arduino != null) {
                arduino.close();
            }
            server.close();
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
