package org.xmppiot.gateway.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.xmppiot.gateway.cli.Main;
import org.xmppiot.simulators.WatchedProcess;

/**
 * A network namespace this test creates, with addresses like LAN ones (not 127/8) on its own loopback that nothing
 * outside can reach, and the processes started in it (under the watchdog, so none outlives the JVM). Closing stops
 * them by PID and deletes the namespace. Needs root and iproute2 (the test script installs it).
 */
public final class Namespace implements AutoCloseable {

    /** What a command printed (output and errors together) and how it ended. */
    public record Outcome(int code, String output) {
    }

    private final String ip;
    private final String name;
    private final List<Process> started = new ArrayList<>();

    private Namespace(String ip, String name) {
        this.ip = ip;
        this.name = name;
    }

    /** A namespace named {@code prefix} and this JVM's PID, with {@code addresses} on its loopback. */
    public static Namespace create(String prefix, String... addresses) throws Exception {
        Namespace ns = new Namespace(WatchedProcess.executable("ip", "iproute2").toString(), prefix + ProcessHandle.current().pid());
        must(List.of(ns.ip, "netns", "add", ns.name));
        try {
            must(List.of(ns.ip, "-n", ns.name, "link", "set", "lo", "up"));
            for (String address : addresses) {
                must(List.of(ns.ip, "-n", ns.name, "addr", "add", address + "/32", "dev", "lo"));
            }
        } catch (Exception | AssertionError e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** Starts {@code command} in the namespace, its output appended to {@code log}; stopped by {@link #close} if not before. */
    public Process start(List<String> command, Path log) throws Exception {
        Process p = WatchedProcess.start(inside(command), log, null);
        started.add(p);
        return p;
    }

    /** Runs {@code command} in the namespace to its end (at most {@code limitSeconds}). */
    public Outcome run(List<String> command, long limitSeconds) throws Exception {
        return runHere(inside(command), limitSeconds);
    }

    public Outcome run(List<String> command) throws Exception {
        return run(command, 120);
    }

    /** A file's text, or "" while it is not there (a log the process has not written yet). */
    public static String read(Path file) {
        try {
            return java.nio.file.Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** The gateway's command line ({@code run}, {@code doctor}, ...) on this test's class path. */
    public static List<String> gateway(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private List<String> inside(List<String> command) {
        List<String> all = new ArrayList<>(List.of(ip, "netns", "exec", name));
        all.addAll(command);
        return all;
    }

    @Override
    public void close() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            WatchedProcess.stop(started.get(i), 30);
        }
        must(List.of(ip, "netns", "delete", name));
    }

    private static Outcome runHere(List<String> command, long limitSeconds) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (java.io.IOException ignored) {
                // The process ended; what it printed so far is kept.
            }
        });
        reader.start();
        if (!p.waitFor(limitSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(5_000);
            throw new AssertionError(String.join(" ", command) + " did not finish within " + limitSeconds + " s: " + out);
        }
        reader.join(5_000);
        return new Outcome(p.exitValue(), out.toString());
    }

    private static void must(List<String> command) throws Exception {
        Outcome o = runHere(command, 60);
        if (o.code() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + o.output()
                    + (ProcessHandle.current().info().user().orElse("").equals("root") ? "" : " (network namespaces need root)"));
        }
    }
}
