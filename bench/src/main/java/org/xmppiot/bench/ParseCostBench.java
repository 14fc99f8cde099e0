package org.xmppiot.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.xmppiot.gateway.demo.ProsodyServer;

/**
 * CPU per published reading at 1,000 readings/s of two builds of the gateway, run in turns against one Prosody with
 * the package's JVM options: what a change on the receive path costs or saves, within one run of one machine.
 * Arguments: ROOT WORK NAME_A JAR_A NAME_B JAR_B [ROUNDS].
 */
public final class ParseCostBench {

    private ParseCostBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath();
        Path work = Files.createDirectories(Path.of(args[1]).toAbsolutePath());
        List<String> names = List.of(args[2], args[4]);
        List<Path> jars = List.of(Path.of(args[3]).toAbsolutePath(), Path.of(args[5]).toAbsolutePath());
        int rounds = args.length > 6 ? Integer.parseInt(args[6]) : 3;
        ProsodyServer.Options options = ProsodyServer.Options.withPubSubAdmins("gateway@localhost").withItemStorage(ProsodyServer.ItemStorage.MEMORY);
        try (ProsodyServer server = ProsodyServer.start(options)) {
            Comparison c = new Comparison(work, new BenchXmpp(server, work));
            List<String> launcher = GatewayPeer.launcherOptions(root);
            for (int round = 1; round <= rounds; round++) {
                for (int i = 0; i < 2; i++) {
                    c.runPeer(new GatewayPeer(names.get(i) + "-" + round, jars.get(i), launcher, 20, "200ms"), new double[] {1000});
                }
            }
            System.out.println("| build | round | delivered/s | CPU µs per reading | RSS MiB |");
            System.out.println("|---|---|---|---|---|");
            for (StepResult r : c.steps) {
                System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.0f |%n", r.peer().replaceAll("-\\d+$", ""),
                        r.peer().replaceAll("^.*-", ""), r.delivered(), r.cpuMicrosPerReading(), r.rssMiB());
            }
        }
    }
}
