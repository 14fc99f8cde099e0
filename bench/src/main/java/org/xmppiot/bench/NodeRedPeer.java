package org.xmppiot.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.xmppiot.gateway.demo.ProsodyServer;

/**
 * Node-RED 4, headless (no editor, no HTTP): a {@code serial in} node per device
 * (node-red-node-serialport) wired to one function node that publishes with @xmpp/client
 * ({@code functionExternalModules}), using the same publishing code as the plain Node peer.
 */
final class NodeRedPeer implements Peer {

    private final Path peerDir;
    private final Path publisherJs;
    private final Path userDir;

    NodeRedPeer(Path peerDir, Path publisherJs, Path userDir) {
        this.peerDir = peerDir;
        this.publisherJs = publisherJs;
        this.userDir = userDir;
    }

    @Override
    public String name() {
        return "node-red";
    }

    @Override
    public String description() {
        return "Node-RED " + version() + " on Node.js " + nodeVersion() + ", serial in nodes -> function node with @xmpp/client, one item per reading, 64 publishes in flight";
    }

    @Override
    public boolean needsNodes() {
        return true;
    }

    @Override
    public Process start(Path work, List<Device> devices, BenchXmpp xmpp) throws Exception {
        Files.writeString(userDir.resolve("flows.json"), flows(devices, xmpp), StandardCharsets.UTF_8);
        return new ProcessBuilder("node", peerDir.resolve("node_modules/node-red/red.js").toString(),
                "--settings", peerDir.resolve("settings.js").toString(), "--userDir", userDir.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("node-red.log").toFile()).start();
    }

    private String flows(List<Device> devices, BenchXmpp xmpp) throws IOException {
        String publisher = Files.readString(publisherJs, StandardCharsets.UTF_8)
                .replace("'use strict';", "").replace("module.exports = { makePublisher };", "");
        StringBuilder byPort = new StringBuilder("{");
        for (Device d : devices) {
            byPort.append(byPort.length() > 1 ? "," : "").append("\"%s\":{\"node\":\"%s\",\"thing\":\"%s\"}".formatted(d.port(), d.node(), d.thing()));
        }
        byPort.append('}');
        String func = publisher + """
                const DEVICES = %s;
                let state = context.get('state');
                if (!state) {
                  const xmpp = xmppClient.client({ service: 'xmpp://127.0.0.1:%d', domain: '%s', username: '%s', password: '%s' });
                  state = { xmpp, online: false, pending: [], publisher: makePublisher(xmpp, xmppClient.xml, { service: '%s', window: 64 }) };
                  xmpp.on('error', (e) => node.warn(e.message));
                  xmpp.on('online', () => {
                    state.online = true;
                    state.pending.forEach((p) => state.publisher.publish(xmpp, p[0], p[1], p[2]));
                    state.pending = [];
                  });
                  xmpp.start().catch((e) => node.error(e.message));
                  context.set('state', state);
                }
                const dev = DEVICES[msg.port];
                if (dev) {
                  if (state.online) state.publisher.publish(state.xmpp, dev.node, dev.thing, msg.payload);
                  else state.pending.push([dev.node, dev.thing, msg.payload]);
                }
                return null;
                """.formatted(byPort, xmpp.port(), ProsodyServer.DOMAIN, BenchXmpp.GATEWAY, BenchXmpp.password(BenchXmpp.GATEWAY),
                ProsodyServer.PUBSUB_SERVICE);
        StringBuilder flow = new StringBuilder("[{\"id\":\"tab\",\"type\":\"tab\",\"label\":\"bench\"},");
        flow.append("{\"id\":\"publish\",\"type\":\"function\",\"z\":\"tab\",\"name\":\"publish\",\"func\":").append(json(func))
                .append(",\"outputs\":0,\"libs\":[{\"var\":\"xmppClient\",\"module\":\"@xmpp/client\"}],\"x\":400,\"y\":100,\"wires\":[]}");
        int i = 0;
        for (Device d : devices) {
            i++;
            flow.append(",{\"id\":\"port").append(i).append("\",\"type\":\"serial-port\",\"serialport\":").append(json(d.port().toString()))
                    .append(",\"serialbaud\":\"115200\",\"databits\":\"8\",\"parity\":\"none\",\"stopbits\":\"1\",\"waitfor\":\"\",")
                    .append("\"dtr\":\"none\",\"rts\":\"none\",\"cts\":\"none\",\"dsr\":\"none\",\"newline\":\"\\\\n\",\"bin\":\"false\",")
                    .append("\"out\":\"char\",\"addchar\":\"\",\"responsetimeout\":\"10000\"}");
            flow.append(",{\"id\":\"in").append(i).append("\",\"type\":\"serial in\",\"z\":\"tab\",\"name\":\"").append(d.thing())
                    .append("\",\"serial\":\"port").append(i).append("\",\"x\":100,\"y\":").append(60 * i).append(",\"wires\":[[\"publish\"]]}");
        }
        return flow.append(']').toString();
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return b.append('"').toString();
    }

    private String version() {
        try {
            String pkg = Files.readString(peerDir.resolve("node_modules/node-red/package.json"), StandardCharsets.UTF_8);
            return pkg.replaceAll("(?s).*?\"version\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        } catch (IOException e) {
            return "(unknown version)";
        }
    }

    static String nodeVersion() {
        String v = CommandOutput.of("node", "--version");
        return v.isEmpty() ? "(unknown)" : v;
    }
}
