package org.xmppiot.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.xmppiot.gateway.demo.ProsodyServer;

/**
 * What the store costs an SD card: bytes the gateway process writes per reading ({@code write_bytes} of
 * /proc/PID/io: what reaches the block layer, WAL, checkpoints and all) and its fsyncs per minute (strace),
 * with the default store settings, one simulated thing at 1, 10, 100 and 1,000 readings/s, publishing to a
 * Prosody so that items are confirmed as in normal running. At 1 and 100 readings/s also with SQLite's
 * {@code synchronous=NORMAL} instead of the store's FULL, to show what the power-cut guarantee costs.
 */
final class WearBench {

    /**
     * @param synchronous       SQLite's level for the run: FULL is the store's own; NORMAL does not sync commits
     * @param fileSystemBytes   what the store's own file system wrote to its device, journal included, once flushed;
     *                          -1 when not measured (not root)
     * @param checkpointBytes   what the checkpoint that copies the window's commits into the store file writes: each page
     *                          the window's commits changed, once ({@link WalFrames}). A window shorter than the time
     *                          between two checkpoints (minutes at 100 readings/s) sees none; its commits cost it later.
     */
    record Step(int rate, String synchronous, double seconds, long readings, long bytesWritten, long fsyncs, long fileSystemBytes,
                long checkpointBytes) {

        double fileSystemBytesPerReading() {
            return readings == 0 || fileSystemBytes < 0 ? Double.NaN : (double) fileSystemBytes / readings;
        }

        boolean storeDefaults() {
            return synchronous.equals(FULL);
        }

        /** The process's writes in the window and the checkpoint of its commits: what the card gets for each reading. */
        double bytesPerReading() {
            return readings == 0 ? Double.NaN : (double) (bytesWritten + checkpointBytes) / readings;
        }

        double checkpointBytesPerReading() {
            return readings == 0 ? Double.NaN : (double) checkpointBytes / readings;
        }

        double fsyncsPerMinute() {
            return fsyncs * 60 / seconds;
        }

        double megabytesPerDay() {
            return (bytesWritten + checkpointBytes) / seconds * 86_400 / 1e6;
        }
    }

    private static final int[] RATES = {1, 10, 100, 1000};
    private static final int[] NORMAL_RATES = {1, 100};
    private static final String FULL = "FULL";

    private final Path jar;
    private final List<String> jvmOptions;
    private final Path work;

    WearBench(Path jar, List<String> jvmOptions, Path work) {
        this.jar = jar;
        this.jvmOptions = jvmOptions;
        this.work = work;
    }

    /** This part alone: {@code WearBench <repo root> <work dir>}; prints the figures. */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath();
        Path work = Files.createDirectories(Path.of(args[1]).toAbsolutePath());
        Path jar = root.resolve("gateway/target/xmpp-iot-gateway.jar");
        ProsodyServer.Options options = ProsodyServer.Options.withPubSubAdmins("gateway@localhost").withItemStorage(ProsodyServer.ItemStorage.MEMORY);
        try (ProsodyServer server = ProsodyServer.start(options)) {
            new WearBench(jar, PackageArchive.launcherOptions(root, jar, work), work)
                    .run(server, new BenchXmpp(server, work));
        }
    }

    List<Step> run(ProsodyServer server, BenchXmpp xmpp) throws Exception {
        List<Step> steps = new ArrayList<>();
        for (int rate : RATES) {
            steps.add(step(xmpp, rate, FULL));
        }
        for (int rate : NORMAL_RATES) {
            steps.add(step(xmpp, rate, "NORMAL"));
        }
        return steps;
    }

    private Step step(BenchXmpp xmpp, int rate, String synchronous) throws Exception {
        // Whole commits only (below): at low rates one a minute while the server confirms every reading, so two or more.
        Duration window = rate <= 10 ? Duration.ofSeconds(120) : Duration.ofSeconds(60);
        Path dir = Files.createDirectories(work.resolve("wear-" + rate + "-" + synchronous));
        try (StoreFileSystem fs = StoreFileSystem.mount(dir)) {
            return step(xmpp, rate, synchronous, window, dir, fs);
        }
    }

    private Step step(BenchXmpp xmpp, int rate, String synchronous, Duration window, Path dir, StoreFileSystem fs) throws Exception {
        Path db = fs == null ? dir.resolve("wear.db") : fs.path("wear.db");
        String interval = rate >= 1000 ? "1ms" : (1000 / rate) + "ms";
        Path file = dir.resolve("wear.yaml");
        // The store's defaults (commit interval, size, age); only the path is set.
        Files.writeString(file, "store:\n  path: " + db + "\n" + xmpp.xmppSection(BenchXmpp.GATEWAY)
                + "    node-prefix: bench/wear-" + rate + "/\n    max-items: 100\n"
                + "things:\n  - { id: meter, driver: simulated, interval: " + interval
                + ", fields: [ { name: power, unit: W, waveform: random-walk, decimals: 1 }, { name: energy, unit: kWh, decimals: 3 } ] }\n",
                StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "run", "-c", file.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("wear.log").toFile());
        if (!synchronous.equals(FULL)) {
            builder.environment().put("XMPP_IOT_STORE_SYNCHRONOUS", synchronous);
        }
        Process process = builder.start();
        try {
            Thread.sleep(5_000); // Started, connected, nodes made: what is measured is steady running.
            // From just after one commit to just after another: whole commits only, however far apart they come (up to the
            // store's confirmed-commit-interval while the server confirms every item).
            long readings0 = nextCommit(db, rows(db));
            WalFrames wal0 = WalFrames.read(wal(db));
            long fs0 = flushed(fs, db);
            long bytes0 = writeBytes(process.pid());
            Process strace = new ProcessBuilder("strace", "-f", "-c", "-e", "trace=fsync,fdatasync", "-p", Long.toString(process.pid()))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("strace.txt").toFile()).start();
            long t0 = System.nanoTime();
            Thread.sleep(window.toMillis());
            long readings = nextCommit(db, rows(db)) - readings0;
            long bytes = writeBytes(process.pid()) - bytes0;
            WalFrames wal1 = WalFrames.read(wal(db));
            long checkpoint = wal1.pagesAddedSince(wal0) * wal1.pageSize();
            double seconds = (System.nanoTime() - t0) / 1e9;
            long fsBytes = fs == null ? -1 : flushed(fs, db) - fs0;
            strace.destroy(); // SIGTERM: strace detaches and prints its counts.
            strace.waitFor(10, TimeUnit.SECONDS);
            Step s = new Step(rate, synchronous, seconds, readings, bytes, fsyncs(dir.resolve("strace.txt")), fsBytes, checkpoint);
            System.out.printf(Locale.ROOT, "   %5d readings/s, synchronous=%-6s: %8.0f bytes written per reading (of which the checkpoint"
                            + " still to come: %5.0f; file system: %6.0f), %6.1f fsyncs/min, %8.1f MB/day%n",
                    rate, synchronous, s.bytesPerReading(), s.checkpointBytesPerReading(), s.fileSystemBytesPerReading(),
                    s.fsyncsPerMinute(), s.megabytesPerDay());
            return s;
        } finally {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * The file system's bytes written so far, after writing back what it still held dirty (syncfs): with commits that
     * are not synced, the kernel writes them back later, and that is what the card gets.
     */
    private static long flushed(StoreFileSystem fs, Path db) throws IOException, InterruptedException {
        if (fs == null) {
            return -1;
        }
        Process sync = new ProcessBuilder("sync", "-f", db.getParent().toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!sync.waitFor(60, TimeUnit.SECONDS) || sync.exitValue() != 0) {
            throw new IOException("sync -f " + db.getParent() + " failed");
        }
        return fs.bytesWritten();
    }

    private static long writeBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
            if (line.startsWith("write_bytes:")) {
                return Long.parseLong(line.substring("write_bytes:".length()).trim());
            }
        }
        throw new IOException("no write_bytes in /proc/" + pid + "/io");
    }

    private static Path wal(Path db) {
        return db.resolveSibling(db.getFileName() + "-wal");
    }

    /** Waits for the next commit (more rows than {@code before}) and returns the rows then; gives up after 90 s. */
    private static long nextCommit(Path db, long before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        long n;
        while ((n = rows(db)) <= before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return n;
    }

    /** Readings committed so far, seen by another process. */
    private static long rows(Path db) {
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             var s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM reading")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (Exception e) {
            return 0;
        }
    }

    /** The fsync and fdatasync calls strace counted (its summary table). */
    private static long fsyncs(Path strace) throws IOException {
        long n = 0;
        Pattern row = Pattern.compile("^\\s*[\\d.]+\\s+[\\d.]+\\s+\\d+\\s+(\\d+)\\s+(?:\\d+\\s+)?(fsync|fdatasync)\\s*$");
        for (String line : Files.readAllLines(strace, StandardCharsets.UTF_8)) {
            Matcher m = row.matcher(line);
            if (m.matches()) {
                n += Long.parseLong(m.group(1));
            }
        }
        return n;
    }
}
