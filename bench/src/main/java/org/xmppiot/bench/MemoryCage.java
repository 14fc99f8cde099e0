package org.xmppiot.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A memory cgroup with a limit, as a Pi with little memory (or a systemd {@code MemoryMax=}) gives the service: a peer
 * started through {@link #commandPrefix()} runs inside it. cgroup v2 ({@code memory.max}) where the memory controller
 * is unified, else v1 ({@code memory.limit_in_bytes}); root only.
 */
final class MemoryCage implements AutoCloseable {

    private static final Path V2 = Path.of("/sys/fs/cgroup");
    private static final Path V1 = Path.of("/sys/fs/cgroup/memory");

    private final Path dir;
    private final boolean v2;

    private MemoryCage(Path dir, boolean v2) {
        this.dir = dir;
        this.v2 = v2;
    }

    /** Makes the cgroup {@code name} limited to {@code bytes}; says why when this machine has no way to. */
    static MemoryCage create(String name, long bytes) throws IOException {
        boolean v2 = Files.exists(V2.resolve("cgroup.controllers"))
                && Files.readString(V2.resolve("cgroup.subtree_control")).contains("memory");
        Path parent = v2 ? V2 : V1;
        if (!v2 && !Files.exists(V1.resolve("memory.limit_in_bytes"))) {
            throw new IOException("no memory cgroup to limit a peer with (neither cgroup v2 with the memory controller nor v1 at " + V1 + ")");
        }
        Path dir = parent.resolve(name);
        if (!Files.isDirectory(dir)) {
            Files.createDirectory(dir);
        }
        Files.writeString(dir.resolve(v2 ? "memory.max" : "memory.limit_in_bytes"), Long.toString(bytes), StandardCharsets.US_ASCII);
        if (!v2 && Files.exists(dir.resolve("memory.memsw.limit_in_bytes"))) {
            // With swap accounting, swap counts against the limit too, as on a Pi without swap.
            Files.writeString(dir.resolve("memory.memsw.limit_in_bytes"), Long.toString(bytes), StandardCharsets.US_ASCII);
        }
        return new MemoryCage(dir, v2);
    }

    /** Put before a command, runs it inside the cgroup (the shell moves itself in, then becomes the command). */
    List<String> commandPrefix() {
        return List.of("/bin/sh", "-c", "echo $$ > " + dir.resolve("cgroup.procs") + " && exec \"$@\"", "memory-cage");
    }

    /** Processes the kernel killed in this cgroup for want of memory. */
    long oomKills() throws IOException {
        for (String line : Files.readAllLines(dir.resolve(v2 ? "memory.events" : "memory.oom_control"))) {
            if (line.startsWith("oom_kill ")) {
                return Long.parseLong(line.substring("oom_kill ".length()).trim());
            }
        }
        return 0;
    }

    /** The most memory the cgroup held, page cache included, in MiB; NaN where the kernel does not say. */
    double peakMiB() throws IOException {
        Path peak = dir.resolve(v2 ? "memory.peak" : "memory.max_usage_in_bytes");
        return Files.exists(peak) ? Long.parseLong(Files.readString(peak).trim()) / (1024.0 * 1024) : Double.NaN;
    }

    String describe() {
        return (v2 ? "cgroup v2 memory.max" : "cgroup v1 memory.limit_in_bytes") + " at " + dir;
    }

    /** Removes the cgroup; call once the peer has ended. */
    @Override
    public void close() throws IOException {
        Files.deleteIfExists(dir);
    }
}
