package org.xmppiot.simulators.xmpp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.xmppiot.simulators.WatchedProcess;

/**
 * A two-node ejabberd cluster (Debian's ejabberd) on 127.0.0.1 for tests: each node with its own config, spool and
 * logs in a temporary directory, run in the foreground as the ejabberd user under the watchdog, its own epmd on a
 * free port of 127.0.0.1, one shared Erlang cookie; the second node joins the first. Accounts and pub/sub are shared.
 * Nodes are stopped by their PIDs.
 */
public final class EjabberdCluster implements AutoCloseable {

    private final Path dir;
    private final String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    private final int epmdPort;
    private final Process epmd;
    private final List<Process> nodes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    /** The access rule for creating nodes on pubsub.localhost: every account (ejabberd's default) or none. */
    private final String createNodes;

    private EjabberdCluster(Path dir, int epmdPort, Process epmd, String createNodes) {
        this.dir = dir;
        this.epmdPort = epmdPort;
        this.epmd = epmd;
        this.createNodes = createNodes;
    }

    /** Starts two clustered nodes in {@code dir} (which the ejabberd user must be able to enter). */
    public static EjabberdCluster start(Path dir) throws Exception {
        return start(dir, 2, true);
    }

    /**
     * Starts {@code count} (1 or 2) clustered nodes in {@code dir}; with {@code usersCreateNodes} false, no account may
     * create nodes on pubsub.localhost (as on servers whose admins keep that to themselves); PEP stays open to all.
     */
    public static EjabberdCluster start(Path dir, int count, boolean usersCreateNodes) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path cookie = home.resolve(".erlang.cookie");
        Files.writeString(cookie, "xmppiot" + ThreadLocalRandom.current().nextLong(1L << 50));
        Files.setPosixFilePermissions(cookie, PosixFilePermissions.fromString("r--------"));
        int epmdPort = freePort();
        chown(dir);
        Process epmd = WatchedProcess.start(asEjabberd(dir, epmdPort, List.of("epmd", "-address", "127.0.0.1", "-port", Integer.toString(epmdPort))),
                dir.resolve("epmd.log"), null);
        EjabberdCluster c = new EjabberdCluster(dir, epmdPort, epmd, usersCreateNodes ? "allow: local" : "deny: all");
        try {
            waitForPort(epmdPort, "epmd");
            c.startNode("a");
            if (count > 1) {
                c.startNode("b");
                c.ctl("b", "join_cluster", c.node("a"));
            }
            return c;
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    /** The c2s port of node {@code i} (0 or 1). */
    public int port(int i) {
        return ports.get(i);
    }

    public void register(String user, String password) throws Exception {
        ctl("a", "register", user, "localhost", password);
    }

    /** The PIDs of the nodes' Erlang VMs that are still running, for CPU and memory figures. */
    public List<Long> vmPids() {
        List<Long> out = new ArrayList<>();
        for (Process p : nodes) {
            p.descendants().filter(h -> h.info().command().map(c -> c.endsWith("beam.smp")).orElse(false)).forEach(h -> out.add(h.pid()));
        }
        return out;
    }

    /** Stops node {@code i} (0 or 1) by its PID, as when a machine of the cluster goes down. */
    public void stopNode(int i) {
        stop(nodes.get(i));
    }

    /** The node's Erlang VM runs under ejabberdctl's shell: stop it by its own PID first, then the rest. */
    private static void stop(Process p) {
        List<ProcessHandle> below = p.descendants().toList();
        below.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : below) {
            try {
                h.onExit().get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        WatchedProcess.stop(p, 10);
    }

    private String node(String name) {
        return name + suffix + "@localhost";
    }

    private void startNode(String name) throws Exception {
        Path conf = Files.createDirectories(dir.resolve(name).resolve("conf"));
        Files.createDirectories(dir.resolve(name).resolve("spool"));
        Files.createDirectories(dir.resolve(name).resolve("logs"));
        Files.copy(Path.of("/etc/ejabberd/inetrc"), conf.resolve("inetrc"));
        Files.writeString(conf.resolve("ejabberdctl.cfg"), "ERLANG_NODE=" + node(name) + "\nINET_DIST_INTERFACE=127.0.0.1\n");
        int port = freePort();
        Files.writeString(conf.resolve("ejabberd.yml"), """
                hosts: [localhost]
                loglevel: warning
                listen:
                  - port: %d
                    ip: "127.0.0.1"
                    module: ejabberd_c2s
                    starttls: false
                auth_method: internal
                auth_password_format: scram
                acl:
                  local:
                    user_regexp: ""
                access_rules:
                  local:
                    allow: local
                  c2s:
                    allow: all
                  pubsub_createnode:
                    %s
                shaper_rules:
                  c2s_shaper: none
                modules:
                  mod_roster: {}
                  mod_disco: {}
                  mod_caps: {}
                  mod_ping: {}
                  mod_pubsub:
                    host: pubsub.localhost
                    access_createnode: pubsub_createnode
                    plugins: [flat, pep]
                    max_items_node: 1000
                """.formatted(port, createNodes), StandardCharsets.UTF_8);
        chown(dir.resolve(name));
        nodes.add(WatchedProcess.start(asEjabberd(dir, epmdPort, ctlArgs(name, "foreground")), dir.resolve(name + ".log"), null));
        ports.add(port);
        waitForPort(port, "ejabberd node " + name);
    }

    private List<String> ctlArgs(String name, String... command) {
        Path d = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("ejabberdctl", "--config-dir", d.resolve("conf").toString(), "--config",
                d.resolve("conf/ejabberd.yml").toString(), "--ctl-config", d.resolve("conf/ejabberdctl.cfg").toString(),
                "--logs", d.resolve("logs").toString(), "--spool", d.resolve("spool").toString(), "--node", node(name)));
        args.addAll(List.of(command));
        return args;
    }

    private void ctl(String name, String... command) throws Exception {
        Process p = new ProcessBuilder(asEjabberd(dir, epmdPort, ctlArgs(name, command))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("ejabberdctl " + String.join(" ", command) + " failed: " + out);
        }
    }

    private static List<String> asEjabberd(Path dir, int epmdPort, List<String> command) {
        List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=ejabberd", "--regid=ejabberd", "--init-groups", "env",
                "HOME=" + dir.resolve("home"), "ERL_EPMD_PORT=" + epmdPort, "ERL_EPMD_ADDRESS=127.0.0.1"));
        full.addAll(command);
        return full;
    }

    private static void chown(Path path) throws Exception {
        Process p = new ProcessBuilder("chown", "-R", "ejabberd:ejabberd", path.toString()).redirectErrorStream(true).start();
        p.waitFor(30, TimeUnit.SECONDS);
        // The temporary directory's parents must let the ejabberd user through.
        for (Path d = path; d != null && !d.toString().equals("/tmp") && !d.toString().equals("/"); d = d.getParent()) {
            if (Files.isDirectory(d)) {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void waitForPort(int port, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IOException(what + " did not listen on 127.0.0.1:" + port + " within 60 s");
    }

    @Override
    public void close() {
        for (Process p : nodes) {
            stop(p);
        }
        stop(epmd);
    }
}
