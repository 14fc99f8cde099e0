package org.xmppiot.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The gateway from this checkout's build, as a separate JVM with the given options and settings. */
final class GatewayPeer implements Peer {

    private final String name;
    private final Path jar;
    private final List<String> jvmOptions;
    private final int readingsPerItem;
    private final String commitInterval;
    private final List<String> commandPrefix;
    /** More {@code pubsub:} settings, e.g. {@code item-interval} and {@code 0ms}; none for the defaults. */
    private final java.util.Map<String, String> pubsubSettings = new java.util.LinkedHashMap<>();

    GatewayPeer(String name, Path jar, List<String> jvmOptions, int readingsPerItem, String commitInterval) {
        this(name, jar, jvmOptions, readingsPerItem, commitInterval, List.of());
    }

    /** @param commandPrefix run under it, e.g. {@code taskset -c 1} for one core */
    GatewayPeer(String name, Path jar, List<String> jvmOptions, int readingsPerItem, String commitInterval, List<String> commandPrefix) {
        this.name = name;
        this.jar = jar;
        this.jvmOptions = jvmOptions;
        this.readingsPerItem = readingsPerItem;
        this.commitInterval = commitInterval;
        this.commandPrefix = commandPrefix;
    }

    /** The same peer with more {@code pubsub:} settings ({@code key: value}). */
    GatewayPeer withPubSub(String key, String value) {
        pubsubSettings.put(key, value);
        return this;
    }

    /** The JVM options the Debian package runs the service with (its /etc/default file), so the bench measures what a Pi runs. */
    static List<String> launcherOptions(Path repoRoot) throws java.io.IOException {
        for (String line : Files.readAllLines(repoRoot.resolve("deploy/raspberry-pi/src/deb/etc/default"), StandardCharsets.UTF_8)) {
            if (line.startsWith("JAVA_OPTS=\"")) {
                return List.of(line.substring("JAVA_OPTS=\"".length(), line.lastIndexOf('"')).trim().split("\\s+"));
            }
        }
        throw new IllegalStateException("no JAVA_OPTS in the package's /etc/default file");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return "xmpp-iot-gateway" + (commandPrefix.isEmpty() ? "" : " under `" + String.join(" ", commandPrefix) + "`")
                + ", JVM options " + (jvmOptions.isEmpty() ? "(defaults)" : String.join(" ", jvmOptions))
                + ", readings-per-item " + readingsPerItem 
                + pubsubSettings.entrySet().stream().map(e -> ", " + e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining())
                + ", store commit-interval " + commitInterval + ", store synchronous=FULL";
    }

    @Override
    public boolean needsNodes() {
        return false;
    }

    @Override
    public Process start(Path work, List<Device> devices, BenchXmpp xmpp) throws Exception {
        StringBuilder things = new StringBuilder("access:\n  readers: [ reader@localhost ]\nthings:\n");
        for (Device d : devices) {
            things.append("""
                      - id: %s
                        driver: serial
                        port: %s
                        baud: 115200
                        mapping:
                          type: csv
                          fields:
                            - { name: seq, column: 1 }
                            - { name: sent, column: 2, unit: ms }
                    """.formatted(d.thing(), d.port()));
        }
        String prefix = devices.get(0).node().substring(0, devices.get(0).node().length() - devices.get(0).thing().length());
        String config = "store:\n  path: " + work.resolve(name + ".db") + "\n  commit-interval: " + commitInterval + "\n"
                + xmpp.xmppSection(BenchXmpp.GATEWAY)
                + "    node-prefix: " + prefix + "\n    max-items: 100\n    readings-per-item: " + readingsPerItem + "\n"
                + pubsubSettings.entrySet().stream().map(e -> "    " + e.getKey() + ": " + e.getValue() + "\n").collect(java.util.stream.Collectors.joining())
                + things;
        Path file = work.resolve(name + ".yaml");
        Files.writeString(file, config, StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(commandPrefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "run", "-c", file.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile()).start();
    }
}
