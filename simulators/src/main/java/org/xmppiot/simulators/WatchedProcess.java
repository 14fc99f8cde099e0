package org.xmppiot.simulators;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Helper programs the gateway starts for the demo, tests and benchmarks (a Prosody server, a socat
 * pseudo-terminal pair) that must never outlive the JVM that started them. Each runs under a small
 * shell watchdog in a session of its own: Ctrl-C at a terminal reaches only the JVM, which stops its
 * helpers in order; should the JVM die without doing so (SIGKILL, a crash), the watchdog stops the
 * helper within a second and removes its scratch directory.
 */
public final class WatchedProcess {

    /**
     * {@code sleep & wait} rather than a plain {@code sleep}: the shell runs a trap only between
     * commands, and {@code wait} returns at once on a signal, so a stop takes effect immediately.
     */
    private static final String WATCHDOG = """
            trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 0' TERM INT
            "$@" &
            child=$!
            while kill -0 "$XMPP_IOT_OWNER_PID" 2>/dev/null && kill -0 "$child" 2>/dev/null; do
              sleep 1 & wait $!
            done
            kill -TERM "$child" 2>/dev/null
            wait "$child"
            if [ -n "$XMPP_IOT_SCRATCH_DIR" ] && ! kill -0 "$XMPP_IOT_OWNER_PID" 2>/dev/null; then rm -rf "$XMPP_IOT_SCRATCH_DIR"; fi
            """;

    private WatchedProcess() {
    }

    /**
     * Starts {@code command} under the watchdog. Its output goes to {@code output} (appended), or
     * nowhere when null. {@code scratchDir}, when not null, is deleted if this JVM dies first.
     * Stopping the returned process (see {@link #stop}) stops the command.
     */
    public static Process start(List<String> command, Path output, Path scratchDir) throws IOException {
        List<String> full = new ArrayList<>(List.of(executable("setsid", "util-linux").toString(), "/bin/sh", "-c",
                WATCHDOG, "watchdog"));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(output == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.appendTo(output.toFile()));
        builder.environment().put("XMPP_IOT_OWNER_PID", Long.toString(ProcessHandle.current().pid()));
        builder.environment().put("XMPP_IOT_SCRATCH_DIR", scratchDir == null ? "" : scratchDir.toString());
        Process p = builder.start();
        p.getOutputStream().close();
        return p;
    }

    /** Asks the process to stop (SIGTERM), and kills it if it has not stopped within {@code grace}. */
    public static void stop(Process p, long graceSeconds) {
        p.destroy();
        try {
            if (!p.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The program {@code name} on the PATH (or in the system directories), or an error naming the package to install. */
    public static Path executable(String name, String debianPackage) throws IOException {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin"));
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IOException(name + " is not installed; install it with: sudo apt-get install -y " + debianPackage);
    }
}
