package org.xmppiot.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small ext4 file system of its own (a loop-mounted image) for one store, so that what reaches the "card" can be
 * counted whole: ext4's {@code lifetime_write_kbytes} counts every block the file system wrote, its journal included
 * (the metadata commit each fsync of a growing file costs), which a process's own {@code write_bytes} does not. Needs
 * root (mount); {@link #mount} returns null where it cannot be made, and the bench then reports the process's bytes
 * only.
 */
final class StoreFileSystem implements AutoCloseable {

    private final Path mountPoint;
    private final Path counter;

    private StoreFileSystem(Path mountPoint, Path counter) {
        this.mountPoint = mountPoint;
        this.counter = counter;
    }

    /** A fresh 512 MiB ext4 (Debian's defaults: 4 KiB blocks, ordered journal) mounted at {@code dir}/fs, or null. */
    static StoreFileSystem mount(Path dir) throws IOException, InterruptedException {
        if (!"root".equals(System.getProperty("user.name"))) {
            return null;
        }
        Path image = dir.resolve("fs.img");
        Path mountPoint = Files.createDirectories(dir.resolve("fs"));
        Files.deleteIfExists(image);
        if (!run("truncate", "-s", "512M", image.toString()) || !run("mkfs.ext4", "-q", "-F", image.toString())
                || !run("mount", "-o", "loop", image.toString(), mountPoint.toString())) {
            return null;
        }
        String device = null;
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            String[] f = line.split(" ");
            if (f.length > 1 && f[1].equals(mountPoint.toString()) && f[0].startsWith("/dev/")) {
                device = f[0].substring("/dev/".length());
            }
        }
        Path counter = device == null ? null : Path.of("/sys/fs/ext4", device, "lifetime_write_kbytes");
        if (counter == null || !Files.isReadable(counter)) {
            run("umount", mountPoint.toString());
            return null;
        }
        return new StoreFileSystem(mountPoint, counter);
    }

    Path path(String name) {
        return mountPoint.resolve(name);
    }

    /** Bytes the file system has written to its device since it was made. */
    long bytesWritten() throws IOException {
        return Long.parseLong(Files.readString(counter).trim()) * 1024;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (!run("umount", mountPoint.toString())) {
            throw new IOException("could not unmount " + mountPoint);
        }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
