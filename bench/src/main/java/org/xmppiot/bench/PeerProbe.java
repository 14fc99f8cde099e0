package org.xmppiot.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.xmppiot.gateway.demo.ProsodyServer;

/**
 * Some of the comparison's steps alone, to measure one change in minutes instead of the whole run: chosen peers at
 * chosen rates against a Prosody of their own, printed as the comparison prints them (CPU per reading of the peer and of
 * Prosody, latency, RSS). Peers: {@code gateway-pi} (the package's JVM options), {@code gateway} (JVM defaults),
 * {@code node-red}, {@code caged} (the Pi-like run, at its own rates). {@code JAVA_OPTS_EXTRA} adds JVM options to the
 * gateway peers (e.g. native memory tracking).
 *
 * <pre>java -cp ... org.xmppiot.bench.PeerProbe REPO WORK gateway-pi,node-red 100,1000 [readings-per-item [item-interval]]</pre>
 */
public final class PeerProbe {

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath();
        Path work = Files.createDirectories(Path.of(args[1]).toAbsolutePath());
        List<String> peers = List.of(args[2].split(","));
        double[] rates = Arrays.stream(args[3].split(",")).mapToDouble(Double::parseDouble).toArray();
        int perItem = args.length > 4 ? Integer.parseInt(args[4]) : 20;
        String itemInterval = args.length > 5 ? args[5] : null;
        Path jar = root.resolve("gateway/target/xmpp-iot-gateway.jar");
        List<String> extra = System.getenv("JAVA_OPTS_EXTRA") == null ? List.of() : List.of(System.getenv("JAVA_OPTS_EXTRA").trim().split("\\s+"));
        List<String> launcher = new ArrayList<>(PackageArchive.launcherOptions(root, jar, work));
        launcher.addAll(extra);
        ProsodyServer.Options options = ProsodyServer.Options.withPubSubAdmins("gateway@localhost").withItemStorage(ProsodyServer.ItemStorage.MEMORY);
        try (ProsodyServer server = ProsodyServer.start(options)) {
            Comparison c = new Comparison(work, new BenchXmpp(server, work));
            for (String peer : peers) {
                switch (peer) {
                    case "gateway-pi", "gateway" -> {
                        GatewayPeer g = new GatewayPeer(peer, jar, peer.equals("gateway") ? extra : launcher, perItem, "200ms");
                        c.runPeer(itemInterval == null ? g : g.withPubSub("item-interval", itemInterval), rates);
                    }
                    case "node-red" -> {
                        Path userDir = Files.createDirectories(work.resolve("node-red-user"));
                        Path modules = userDir.resolve("node_modules");
                        if (!Files.exists(modules, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                            Files.createSymbolicLink(modules, root.resolve("bench/peers/node-red/node_modules"));
                        }
                        c.runPeer(new NodeRedPeer(root.resolve("bench/peers/node-red"), root.resolve("bench/peers/node/publisher.js"), userDir), rates);
                    }
                    case "caged" -> c.runCaged(jar, launcher);
                    default -> throw new IllegalArgumentException("no peer " + peer + "; use gateway-pi, gateway, node-red or caged");
                }
            }
        }
    }
}
