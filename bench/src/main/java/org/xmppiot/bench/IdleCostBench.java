package org.xmppiot.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.xmppiot.gateway.demo.ProsodyServer;

/**
 * What a gateway costs when little happens: one simulated thing at 1 reading/s, the package's JVM options, publishing
 * to a Prosody on 127.0.0.1; CPU time (from /proc) over 4 minutes after 8 minutes of warm-up, as a share of one core, beside
 * the Prosody process's own in the same window. Given several builds ({@code name=jar}), it runs them in turns.
 *
 * <pre>java -cp ... org.xmppiot.bench.IdleCostBench REPO WORK [name=jar ...]</pre>
 */
public final class IdleCostBench {

    /**
     * At one reading a second code is compiled for minutes: 3.5 % of a core in the first minute, 0.65 % in the second,
     * about 0.4 % in minutes 3 to 7 and 0.3 % from the eighth in one run.
     */
    private static final long WARM_UP_SECONDS = 480;
    private static final long WINDOW_SECONDS = 240;

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args[0]).toAbsolutePath();
        Path work = Files.createDirectories(Path.of(args[1]).toAbsolutePath());
        List<String[]> builds = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            builds.add(args[i].split("=", 2));
        }
        if (builds.isEmpty()) {
            builds.add(new String[] {"this build", repo.resolve("gateway/target/xmpp-iot-gateway.jar").toString()});
        }
        List<String> packageOptions = GatewayPeer.launcherOptions(repo);
        ProsodyServer.Options options = ProsodyServer.Options.withPubSubAdmins("gateway@localhost")
                .withItemStorage(ProsodyServer.ItemStorage.MEMORY);
        try (ProsodyServer server = ProsodyServer.start(options)) {
            BenchXmpp xmpp = new BenchXmpp(server, work);
            int round = 0;
            for (String[] build : builds) {
                // Each build with the archive its package would make of it (an archive belongs to one jar).
                Path jar = Path.of(build[1]).toAbsolutePath();
                List<String> jvmOptions = new ArrayList<>(packageOptions);
                jvmOptions.addAll(PackageArchive.sharing(PackageArchive.make(repo, jar, packageOptions, work.resolve("classes-" + (++round) + ".jsa"))));
                System.out.println(measure(xmpp, server, jar, build[0], jvmOptions, work, round));
            }
        }
    }

    private static String measure(BenchXmpp xmpp, ProsodyServer server, Path jar, String name, List<String> jvmOptions, Path work,
                                  int round) throws Exception {
        Path config = work.resolve("idle-" + round + ".yaml");
        Files.writeString(config, "store:\n  path: " + work.resolve("idle-" + round + ".db") + "\n" + xmpp.xmppSection(BenchXmpp.GATEWAY)
                + "    node-prefix: bench/idle-" + round + "/\n"
                + "things:\n  - { id: meter, driver: simulated, interval: 1s, fields: [ { name: power, unit: W }, { name: energy, unit: kWh } ] }\n",
                StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "run", "-c", config.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("idle-" + round + ".log").toFile()).start();
        try {
            Thread.sleep(TimeUnit.SECONDS.toMillis(WARM_UP_SECONDS));
            double cpu0 = ProcessStats.cpuSeconds(process.pid());
            double server0 = ProcessStats.treeCpuSeconds(server.pid());
            long t0 = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(WINDOW_SECONDS));
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = ProcessStats.cpuSeconds(process.pid()) - cpu0;
            double serverCpu = ProcessStats.treeCpuSeconds(server.pid()) - server0;
            return String.format(Locale.ROOT, "| %s | %.2f %% | %.0f µs | %.2f %% | %.0f MiB |", name, 100 * cpu / seconds,
                    1e6 * cpu / seconds, 100 * serverCpu / seconds, ProcessStats.rssMiB(process.pid(), false));
        } finally {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
