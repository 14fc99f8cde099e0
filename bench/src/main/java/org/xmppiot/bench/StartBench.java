package org.xmppiot.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.xmppiot.gateway.demo.ProsodyServer;
import org.xmppiot.gateway.demo.ThrowawayCertificates;

/**
 * Start to first publish with the package's JVM options, with and without the class-data archive the package makes
 * at installation (as its postinst does: the class list it ships, archived with {@code -Xshare:dump}), and with the
 * archive packages made before (the classes {@code check-config} loads, under {@code -XX:ArchiveClassesAtExit}):
 * from starting the JVM to the subscriber's first item, a fresh store and node each round, median of the rounds. Then
 * the same over STARTTLS with the server's certificate checked (what every server but one on loopback needs), without
 * and with the package's archive.
 *
 * <pre>java -cp ... org.xmppiot.bench.StartBench REPO WORK [rounds]</pre>
 */
public final class StartBench {

    private final Path jar;
    private final List<String> jvmOptions;
    private final Path work;
    private final int rounds;
    private final Path repo;

    StartBench(Path jar, List<String> jvmOptions, Path work, int rounds, Path repo) {
        this.repo = repo;
        this.jar = jar;
        this.jvmOptions = jvmOptions;
        this.work = work;
        this.rounds = rounds;
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args[0]).toAbsolutePath();
        Path work = Files.createDirectories(Path.of(args[1]).toAbsolutePath());
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        ProsodyServer.Options options = ProsodyServer.Options.withPubSubAdmins("gateway@localhost")
                .withItemStorage(ProsodyServer.ItemStorage.MEMORY);
        Path jar = repo.resolve("gateway/target/xmpp-iot-gateway.jar");
        List<String> rows = new ArrayList<>();
        // What the package's postinst does: this JVM archives the class list shipped with the package.
        List<String> jvm = GatewayPeer.launcherOptions(repo);
        Path listed = PackageArchive.make(repo, jar, jvm, work.resolve("classes.jsa"));
        try (ProsodyServer server = ProsodyServer.start(options)) {
            rows.addAll(new StartBench(jar, jvm, work, rounds, repo).run(new BenchXmpp(server, work), listed));
        }
        // As a gateway talks to any server but one on loopback: STARTTLS, the certificate checked against its CA.
        Path tls = Files.createDirectories(work.resolve("tls"));
        try (ThrowawayCertificates certificates = ThrowawayCertificates.create(ProsodyServer.DOMAIN);
             ProsodyServer server = ProsodyServer.start(options.withTls(certificates.serverCertificate(), certificates.serverKey())
                     .requiringEncryption())) {
            rows.addAll(new StartBench(jar, jvm, tls, rounds, repo)
                    .runOverTls(new BenchXmpp(server, tls, certificates.caCertificate()), listed));
        }
        rows.forEach(System.out::println);
    }

    /**
     * The result rows: without an archive, with the one packages made before, with the one the package makes now
     * ({@code listed}).
     */
    List<String> run(BenchXmpp xmpp, Path listed) throws Exception {
        Path commandLine = work.resolve("check-config.jsa");
        Files.deleteIfExists(commandLine);
        Path config = config(xmpp, "archive");
        PackageArchive.dump(command(List.of("-XX:ArchiveClassesAtExit=" + commandLine, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"),
                "check-config", "--config", config.toString()), commandLine);
        List<String> rows = new ArrayList<>();
        rows.add(row("package's JVM options, no class-data archive", xmpp, List.of()));
        rows.add(row("an archive of the classes check-config loads (packages before 2026-12-03), " + mib(commandLine), xmpp,
                PackageArchive.sharing(commandLine)));
        rows.add(row("the package's archive: the classes of a running gateway (classes.lst), " + mib(listed), xmpp, PackageArchive.sharing(listed)));
        if (System.getenv("START_BENCH_WHOLE_RUN") != null) {
            // For comparison: what the archive of one whole run of this very configuration gives (made when it stops).
            Path run = work.resolve("run.jsa");
            Files.deleteIfExists(run);
            firstPublish(xmpp, List.of("-XX:ArchiveClassesAtExit=" + run, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
            rows.add(row("an archive of a whole run of this configuration, " + mib(run), xmpp, PackageArchive.sharing(run)));
        }
        return rows;
    }

    /** The rows over STARTTLS: without an archive, with the one the package makes ({@code listed}). */
    List<String> runOverTls(BenchXmpp xmpp, Path listed) throws Exception {
        return List.of(row("over STARTTLS with certificate checks, no class-data archive", xmpp, List.of()),
                row("over STARTTLS with certificate checks, the package's archive, " + mib(listed), xmpp, PackageArchive.sharing(listed)));
    }

    private static String mib(Path archive) throws java.io.IOException {
        return Files.size(archive) / (1024 * 1024) + " MiB";
    }

    private int round;

    private String row(String name, BenchXmpp xmpp, List<String> extra) throws Exception {
        double[] seconds = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            seconds[i] = firstPublish(xmpp, extra);
        }
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        String all = String.join(", ", Arrays.stream(seconds).mapToObj(s -> String.format(Locale.ROOT, "%.2f", s)).toList());
        System.out.println("   " + name + ": " + all + " s");
        return String.format(Locale.ROOT, "| %s | %.2f | %s |", name, sorted[rounds / 2], all);
    }

    /** Seconds from starting the gateway to the first item the subscriber gets. */
    private double firstPublish(BenchXmpp xmpp, List<String> extra) throws Exception {
        String name = "start-" + (++round);
        Path config = config(xmpp, name);
        try (Subscriber subscriber = new Subscriber(xmpp, name, System.nanoTime(), new LatencyRecorder())) {
            long started = System.nanoTime();
            Process process = new ProcessBuilder(command(extra, "run", "-c", config.toString())).redirectErrorStream(true)
                    .redirectOutput(work.resolve(name + ".log").toFile()).start();
            try {
                subscriber.subscribe(List.of("bench/" + name + "/dev1"), Duration.ofSeconds(60));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (subscriber.firstItemNanos() == 0 && System.nanoTime() < deadline && process.isAlive()) {
                    Thread.sleep(2);
                }
                if (subscriber.firstItemNanos() == 0) {
                    throw new IllegalStateException("no item within 60 s; see " + work.resolve(name + ".log"));
                }
                return (subscriber.firstItemNanos() - started) / 1e9;
            } finally {
                process.destroy();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private Path config(BenchXmpp xmpp, String name) throws Exception {
        Path file = work.resolve(name + ".yaml");
        Files.writeString(file, "store:\n  path: " + work.resolve(name + ".db") + "\n" + xmpp.xmppSection(BenchXmpp.GATEWAY)
                // Open nodes: a subscription made while a node is new stays (a whitelist set after creating it drops it).
                + "    node-prefix: bench/" + name + "/\n    access-model: open\n"
                + "things:\n  - { id: dev1, driver: simulated, interval: 100ms, fields: [ { name: power, unit: W } ] }\n",
                StandardCharsets.UTF_8);
        return file;
    }

    private List<String> command(List<String> extra, String... arguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(extra);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(arguments));
        return command;
    }
}
