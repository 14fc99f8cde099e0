package org.xmppiot.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.xmppiot.gateway.demo.ProsodyServer;

/** The plain Node.js peer (bench/peers/node/peer.js): serialport + @xmpp/client. */
final class NodePeer implements Peer {

    private final Path peerDir;

    NodePeer(Path peerDir) {
        this.peerDir = peerDir;
    }

    @Override
    public String name() {
        return "node";
    }

    @Override
    public String description() {
        return "Node.js " + NodeRedPeer.nodeVersion() + " script with serialport and @xmpp/client, one item per reading, 64 publishes in flight";
    }

    @Override
    public boolean needsNodes() {
        return true;
    }

    static String devicesJson(List<Device> devices) {
        return devices.stream().map(d -> "{\"port\":\"%s\",\"thing\":\"%s\",\"node\":\"%s\"}".formatted(d.port(), d.thing(), d.node()))
                .collect(Collectors.joining(",", "[", "]"));
    }

    @Override
    public Process start(Path work, List<Device> devices, BenchXmpp xmpp) throws Exception {
        Path config = work.resolve("node-peer.json");
        Files.writeString(config, """
                {"port": %d, "domain": "%s", "user": "%s", "password": "%s", "pubsub": "%s", "devices": %s}
                """.formatted(xmpp.port(), ProsodyServer.DOMAIN, BenchXmpp.GATEWAY, BenchXmpp.password(BenchXmpp.GATEWAY),
                ProsodyServer.PUBSUB_SERVICE, devicesJson(devices)), StandardCharsets.UTF_8);
        return new ProcessBuilder("node", peerDir.resolve("peer.js").toString(), config.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("node.log").toFile()).start();
    }
}
