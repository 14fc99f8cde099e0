package org.xmppiot.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.xmppiot.gateway.demo.ProsodyServer;

/**
 * The memory the local status page costs: the gateway under the Debian package's JVM options, four simulated things
 * at 10 readings/s each, once without {@code http:} and once with it and the page open in Debian's chromium (headless,
 * polling the page's API every 2 s); RSS is the mean of samples over the last 30 s of 90.
 */
final class HttpRssBench {

    record Result(double withoutMiB, double withPageMiB) {
        String describe() {
            return String.format(Locale.ROOT, "RSS without http %.0f MiB, with the page open in a browser %.0f MiB: the HTTP server and page add %.0f MiB "
                    + "(package's JVM options, four things at 10 readings/s, mean over 30 s after 60 s)", withoutMiB, withPageMiB, withPageMiB - withoutMiB);
        }
    }

    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final Duration SAMPLE = Duration.ofSeconds(30);

    private final Path jar;
    private final List<String> jvmOptions;
    private final Path work;

    HttpRssBench(Path jar, List<String> jvmOptions, Path work) {
        this.jar = jar;
        this.jvmOptions = jvmOptions;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath();
        Path work = Files.createDirectories(Path.of(args[1]).toAbsolutePath());
        Path jar = root.resolve("gateway/target/xmpp-iot-gateway.jar");
        ProsodyServer.Options options = ProsodyServer.Options.withPubSubAdmins("gateway@localhost").withItemStorage(ProsodyServer.ItemStorage.MEMORY);
        try (ProsodyServer server = ProsodyServer.start(options)) {
            System.out.println(new HttpRssBench(jar, PackageArchive.launcherOptions(root, jar, work), work)
                    .run(new BenchXmpp(server, work)).describe());
        }
    }

    Result run(BenchXmpp xmpp) throws Exception {
        double without = measure(xmpp, false);
        double with = measure(xmpp, true);
        Result r = new Result(without, with);
        System.out.println("   " + r.describe());
        return r;
    }

    private double measure(BenchXmpp xmpp, boolean page) throws Exception {
        Path dir = Files.createDirectories(work.resolve(page ? "http-on" : "http-off"));
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        StringBuilder things = new StringBuilder("things:\n");
        for (int i = 0; i < 4; i++) {
            things.append("  - { id: room").append(i).append(", driver: simulated, interval: 100ms, fields: [ { name: temperature, unit: \"°C\", ")
                    .append("waveform: random-walk, decimals: 2 }, { name: humidity, unit: \"%\", waveform: sine, decimals: 1 } ] }\n");
        }
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, "store:\n  path: " + dir.resolve("rss.db") + "\n" + xmpp.xmppSection(BenchXmpp.GATEWAY)
                + "    node-prefix: bench/rss-" + page + "/\n    max-items: 100\n" + things
                + (page ? "http:\n  enabled: true\n  port: " + port + "\n" : ""), StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "run", "-c", file.toString()));
        Process gateway = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("gateway.log").toFile()).start();
        Process browser = null;
        try {
            Thread.sleep(5_000);
            if (page) {
                browser = new ProcessBuilder("/usr/bin/chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--no-first-run", "--disable-background-networking", "--user-data-dir=" + dir.resolve("chromium"),
                        "--remote-debugging-port=0", "http://127.0.0.1:" + port + "/")
                        .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
            }
            Thread.sleep(SETTLE.toMillis());
            double sum = 0;
            int n = 0;
            long end = System.nanoTime() + SAMPLE.toNanos();
            while (System.nanoTime() < end) {
                sum += ProcessStats.rssMiB(gateway.pid(), false);
                n++;
                Thread.sleep(1000);
            }
            return sum / n;
        } finally {
            if (browser != null) {
                browser.destroy();
                browser.waitFor(10, TimeUnit.SECONDS);
            }
            gateway.destroy();
            if (!gateway.waitFor(15, TimeUnit.SECONDS)) {
                gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
