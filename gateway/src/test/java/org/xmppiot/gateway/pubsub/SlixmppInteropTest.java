package org.xmppiot.gateway.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.xmppiot.core.testing.Await;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.testing.ProsodyExtension;
import org.xmppiot.gateway.watch.ReadingFormatter;

/**
 * A client on another XMPP library (slixmpp, docs/examples/subscribe.py) subscribes to our nodes
 * and reads our XEP-0323 items: the payload is not something only our own code understands.
 */
class SlixmppInteropTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway").withAccount("reader");

    @TempDir
    Path dir;

    @Test
    void slixmppSubscriberPrintsExactlyWhatTheGatewayRead() throws Exception {
        Path config = prosody.writeConfig(dir, "gateway", """
                    node-prefix: interop/
                access:
                  readers: [ reader@localhost ]
                things:
                  - id: pond
                    driver: simulated
                    interval: 100ms
                    fields:
                      - { name: temperature, unit: "°C", waveform: sine, min: 4, max: 19, period: 5s, decimals: 2 }
                      - { name: aerator, type: boolean, waveform: square, period: 1s }
                      - { name: pulses, type: integer, waveform: triangle, min: 0, max: 500, period: 3s }
                """);
        DriverRegistry drivers = DriverRegistry.fromClassPath();
        List<String> published = new CopyOnWriteArrayList<>();
        try (Gateway gateway = new Gateway(GatewayConfigLoader.load(config, drivers), drivers)) {
            gateway.bus().subscribe("test-recorder", 10_000, (Reading r) -> published.add(ReadingFormatter.format(r)));
            gateway.start();
            assertThat(gateway.uplink().awaitReady(Await.GENEROUS)).isNotNull();

            Path script = Path.of("..", "docs", "examples", "subscribe.py").toAbsolutePath().normalize();
            assertThat(Files.isRegularFile(script)).isTrue();
            ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", script.toString(), "reader@localhost", "pubsub.localhost", "interop/pond")
                    .redirectError(dir.resolve("slixmpp.err").toFile());
            pb.environment().put("XMPP_PASSWORD", prosody.password("reader"));
            pb.environment().put("XMPP_SERVER", "127.0.0.1:" + prosody.port());
            pb.environment().put("XMPP_PLAIN", "1");
            Process python = pb.start();
            List<String> lines = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8))) {
                Thread reader = new Thread(() -> out.lines().limit(10).forEach(lines::add));
                reader.start();
                reader.join(TimeUnit.SECONDS.toMillis(30));
            } finally {
                python.destroy();
                if (!python.waitFor(5, TimeUnit.SECONDS)) {
                    python.destroyForcibly();
                }
            }
            assertThat(lines).as(Files.readString(dir.resolve("slixmpp.err"))).hasSize(10);
            // Line for line what the gateway's own watch prints, the thing's status line too if the subscription was early enough.
            assertThat(published).containsAll(lines);
            String measurement = "\\S+Z pond temperature=\\d+\\.\\d\\d °C aerator=(true|false) pulses=\\d+";
            assertThat(lines).anyMatch(l -> l.matches(measurement))
                    .allMatch(l -> l.matches(measurement) || l.matches("\\S+Z pond status=\"online\""));
        }
    }
}
