package org.xmppiot.gateway.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.xmppiot.simulators.WatchedProcess;

/**
 * A throwaway Prosody XMPP server on 127.0.0.1: its own config and data under a temp directory,
 * a free port, a pub/sub component, run in the foreground and stopped by PID. Used by the demo
 * and by the tests; nothing of the machine's own Prosody set-up is touched.
 */
public final class ProsodyServer implements AutoCloseable {

    public static final String DOMAIN = "localhost";
    public static final String PUBSUB_SERVICE = "pubsub.localhost";
    private static final String PROSODY_USER = "prosody";
    private static final long START_TIMEOUT_MS = 15_000;

    /**
     * How to set the server up. With a certificate and key (PEM), the server offers STARTTLS;
     * without, it speaks plain XMPP, which clients accept only on loopback.
     */
    public record Options(List<String> pubsubAdmins, int pubsubMaxItems, ItemStorage itemStorage, Path tlsCertificate, Path tlsKey,
                          boolean requireEncryption, boolean invites, boolean hostsFromConfD) {
        public Options {
            pubsubAdmins = List.copyOf(pubsubAdmins);
        }

        public static Options withPubSubAdmins(String... jids) {
            return new Options(List.of(jids), 1000, ItemStorage.FILES, null, null, false, false, false);
        }

        public Options withTls(Path certificate, Path key) {
            return new Options(pubsubAdmins, pubsubMaxItems, itemStorage, certificate, key, requireEncryption, invites, hostsFromConfD);
        }

        public Options withItemStorage(ItemStorage storage) {
            return new Options(pubsubAdmins, pubsubMaxItems, storage, tlsCertificate, tlsKey, requireEncryption, invites, hostsFromConfD);
        }

        /** Refuses clients that do not encrypt, as a production server does (with or without a certificate to offer). */
        public Options requiringEncryption() {
            return new Options(pubsubAdmins, pubsubMaxItems, itemStorage, tlsCertificate, tlsKey, true, invites, hostsFromConfD);
        }

        /** Accounts by invite (XEP-0401, mod_invites) on localhost; local users may create invites that register. */
        public Options withInvites() {
            return new Options(pubsubAdmins, pubsubMaxItems, itemStorage, tlsCertificate, tlsKey, requireEncryption, true, hostsFromConfD);
        }

        /** Also loads the hosts in {@code conf.d/*.cfg.lua} beside the configuration, as Debian's prosody.cfg.lua does. */
        public Options withHostsFromConfD() {
            return new Options(pubsubAdmins, pubsubMaxItems, itemStorage, tlsCertificate, tlsKey, requireEncryption, invites, true);
        }
    }

    /** Where the pub/sub component keeps nodes and items. */
    public enum ItemStorage {
        /** Prosody's default: a file per node, rewritten on every publish with an item id; slow once nodes are large. */
        FILES(""),
        /** SQLite (Debian's lua-dbi-sqlite3): persistent and fast with large nodes. */
        SQLITE("    storage = \"sql\"\n    sql = { driver = \"SQLite3\", database = \"pubsub.sqlite\" }\n"),
        /** Lost on restart; for throughput benchmarks only. */
        MEMORY("    storage = \"memory\"\n");

        private final String componentLines;

        ItemStorage(String componentLines) {
            this.componentLines = componentLines;
        }
    }

    private final Path directory;
    private final Path configFile;
    private final int port;
    private volatile Process process;

    private ProsodyServer(Path directory, Path configFile, int port, Process process) {
        this.directory = directory;
        this.configFile = configFile;
        this.port = port;
        this.process = process;
    }

    /** Starts a server and waits until it accepts connections. */
    public static ProsodyServer start(Options options) throws IOException, InterruptedException {
        Path prosody = executable("prosody");
        Path dir = Files.createTempDirectory("xmpp-iot-prosody-");
        try {
            Files.createDirectories(dir.resolve("data"));
            Files.createDirectories(dir.resolve("conf.d"));
            if (options.tlsCertificate() != null) {
                // Inside the server's own directory, which is handed over to the prosody user below.
                Files.copy(options.tlsCertificate(), dir.resolve("tls.crt"));
                Files.copy(options.tlsKey(), dir.resolve("tls.key"));
            }
            IOException lastFailure = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                int port = freePort();
                Path config = dir.resolve("prosody.cfg.lua");
                Files.writeString(config, configText(dir, port, options), StandardCharsets.UTF_8);
                handOver(dir);
                Process p = launch(prosody, dir, config);
                if (waitForPort(p, port)) {
                    return new ProsodyServer(dir, config, port, p);
                }
                stop(p);
                lastFailure = new IOException("Prosody did not start on 127.0.0.1:" + port + ":\n" + tail(dir));
            }
            throw lastFailure;
        } catch (IOException | InterruptedException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    /** Runs Prosody in the foreground under a watchdog, so that no server outlives its JVM. */
    private static Process launch(Path prosody, Path dir, Path config) throws IOException {
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            // Prosody refuses to run as root; run it as its own system user.
            command.addAll(List.of(WatchedProcess.executable("setpriv", "util-linux").toString(), "--reuid=" + PROSODY_USER,
                    "--regid=" + PROSODY_USER, "--init-groups"));
        }
        command.addAll(List.of(prosody.toString(), "-F", "--config", config.toString()));
        return WatchedProcess.start(command, dir.resolve("prosody.out"), dir);
    }

    /** Stops the server and starts it again on the same port with the same data, as after a crash or an upgrade. */
    public synchronized void restart() throws IOException, InterruptedException {
        stop(process);
        process = launch(executable("prosody"), directory, configFile);
        if (!waitForPort(process, port)) {
            throw new IOException("Prosody did not come back on 127.0.0.1:" + port + ":\n" + tail(directory));
        }
    }

    /** Creates an account (SCRAM-hashed storage) with prosodyctl. */
    public void register(String user, String password) throws IOException, InterruptedException {
        List<String> command = List.of(executable("prosodyctl").toString(), "--config", configFile.toString(),
                "register", user, DOMAIN, password);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("prosodyctl register " + user + "@" + DOMAIN + " failed: " + output.trim());
        }
    }

    public int port() {
        return port;
    }

    /** The PID of the process that holds the server; stopping it stops the server. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path directory() {
        return directory;
    }

    /** Stops the server by its PID and deletes its directory. */
    @Override
    public void close() {
        stop(process);
        deleteTree(directory);
    }

    private static void stop(Process p) {
        WatchedProcess.stop(p, 10);
    }

    static String configText(Path dir, int port, Options options) {
        StringBuilder admins = new StringBuilder();
        for (String jid : options.pubsubAdmins()) {
            admins.append(admins.length() == 0 ? "" : ", ").append(lua(jid));
        }
        return """
                -- Throwaway server written by xmpp-iot-gateway; deleted when it stops.
                pidfile = %s
                data_path = %s
                log = { { levels = { min = "info" }, to = "file", filename = %s } }
                interfaces = { "127.0.0.1" }
                local_interfaces = { "127.0.0.1" }
                c2s_ports = { %d }
                c2s_direct_tls_ports = { }
                s2s_ports = { }
                component_ports = { }
                http_ports = { }
                https_ports = { }
                modules_enabled = { "roster", "saslauth", "disco", "ping", "pep", "smacks", "carbons", "offline", "version", "time"%s }
                modules_disabled = { "s2s" }
                -- Loopback only, for tests and the demo; the gateway requires TLS for anything else.
                c2s_require_encryption = %s
                authentication = "internal_hashed"
                %s

                VirtualHost "%s"
                %s
                Component "%s" "pubsub"
                    admins = { %s }
                    pubsub_max_items = %d
                %s
                %s
                """.formatted(lua(dir.resolve("prosody.pid").toString()), lua(dir.resolve("data").toString()),
                lua(dir.resolve("prosody.log").toString()), port,
                options.tlsCertificate() == null ? "" : ", \"tls\"", options.requireEncryption(),
                options.tlsCertificate() == null ? "" : "ssl = { certificate = " + lua(dir.resolve("tls.crt").toString())
                        + ", key = " + lua(dir.resolve("tls.key").toString()) + " }",
                DOMAIN, options.invites() ? INVITES : "", PUBSUB_SERVICE, admins, options.pubsubMaxItems(),
                options.itemStorage().componentLines,
                options.hostsFromConfD() ? "Include " + lua(dir.resolve("conf.d").toString() + "/*.cfg.lua") : "");
    }

    private static final String INVITES = """
                modules_enabled = { "register"; "invites"; "invites_adhoc"; "invites_register" }
                allow_registration = true
                registration_invite_only = true
                allow_user_invites = true
            """;

    /** The main configuration file (the one prosodyctl is given). */
    public Path configFile() {
        return configFile;
    }

    private static String lua(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Path executable(String name) throws IOException {
        return WatchedProcess.executable(name, "prosody");
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** As root the server runs as the prosody user, which must own its config and data. */
    private static void handOver(Path dir) throws IOException {
        if (!isRoot()) {
            return;
        }
        UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName(PROSODY_USER);
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(PROSODY_USER);
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                own(d);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                own(f);
                return FileVisitResult.CONTINUE;
            }

            private void own(Path p) throws IOException {
                PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
                view.setOwner(user);
                view.setGroup(group);
            }
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean waitForPort(Process p, int port) throws InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            if (!p.isAlive()) {
                return false;
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return true;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        return false;
    }

    private static String tail(Path dir) {
        StringBuilder b = new StringBuilder();
        for (String name : List.of("prosody.out", "prosody.log")) {
            try {
                List<String> lines = Files.readAllLines(dir.resolve(name), StandardCharsets.UTF_8);
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> b.append(l).append('\n'));
            } catch (IOException ignored) {
                // The log may not exist if Prosody died before writing it.
            }
        }
        return b.toString();
    }

    private static void deleteTree(Path dir) {
        try {
            if (!Files.exists(dir)) {
                return;
            }
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    Files.delete(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // A leftover temp directory is harmless; the server itself is already stopped.
        }
    }
}
