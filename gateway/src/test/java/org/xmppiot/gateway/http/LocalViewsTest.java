package org.xmppiot.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.testing.ProsodyExtension;

/**
 * The local views over real HTTP: {@code /metrics} as Prometheus's own promtool reads it, with each sensor's last
 * value; the JSON API; and what a hostile or broken client gets (unknown paths, other methods, bodies, long
 * targets, wrong passwords until 429, clients that stall), while the gateway keeps publishing.
 */
class LocalViewsTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Gateway start(String prefix, String httpSection) throws Exception {
        return prosody.startGateway(dir, """
                    node-prefix: %s/
                things:
                  - id: tank
                    driver: simulated
                    interval: 200ms
                    fields:
                      - { name: level, unit: cm, waveform: random-walk, min: 0, max: 200, step: 3, decimals: 1 }
                      - { name: pump, type: boolean, waveform: square, period: 2s }
                http:
                  enabled: true
                  port: 0
                %s""".formatted(prefix, httpSection));
    }

    private HttpResponse<String> get(Gateway g, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.localViews().address().getPort() + path))
                .timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** promtool as scripts/test.sh provides it (unpacked from Debian's prometheus package, or on the PATH). */
    private static String promtool() {
        String env = System.getenv("PROMTOOL");
        if (env != null && !env.isBlank()) {
            return env;
        }
        Path unpacked = Path.of("/var/cache/xmpp-iot-gateway-tests/prometheus/usr/bin/promtool");
        return Files.isExecutable(unpacked) ? unpacked.toString() : "promtool";
    }

    @Test
    void metricsAreValidPrometheusTextAndTheGaugeIsTheLastReading() throws Exception {
        try (Gateway g = start("metrics", "")) {
            Await.until("readings published", () -> g.publisher().published() >= 5);
            HttpResponse<String> r = get(g, "/metrics");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");

            Path file = dir.resolve("metrics.txt");
            Files.writeString(file, r.body());
            Process check = new ProcessBuilder(promtool(), "check", "metrics").redirectInput(file.toFile()).redirectErrorStream(true).start();
            String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(check.exitValue()).as("promtool check metrics: " + said).isZero();

            assertThat(r.body()).contains("xmppiot_readings_published_total ", "xmppiot_readings_taken_total ",
                    "xmppiot_readings_dropped_total{cause=\"bus_queue_full\"} 0", "xmppiot_backlog_readings ",
                    "xmppiot_publish_round_trip_seconds_bucket{le=\"0.001\"}", "xmppiot_thing_status{detail=\"none\",state=\"online\",thing=\"tank\"} 1",
                    "xmppiot_xmpp_connected 1");
            // The gauge holds the last reading: scrape, and compare with the value the gateway held just before and after.
            String sample = null;
            for (int i = 0; i < 20 && sample == null; i++) {
                BigDecimal before = level(g);
                String body = get(g, "/metrics").body();
                BigDecimal after = level(g);
                Matcher m = Pattern.compile("xmppiot_sensor_value\\{field=\"level\",thing=\"tank\",unit=\"cm\"} (\\S+)").matcher(body);
                assertThat(m.find()).as(body).isTrue();
                if (before.equals(after)) {
                    sample = m.group(1);
                    assertThat(new BigDecimal(sample)).isEqualByComparingTo(before);
                }
            }
            assertThat(sample).as("a scrape between two readings").isNotNull();
            assertThat(r.body()).contains("xmppiot_sensor_value{field=\"pump\",thing=\"tank\",unit=\"\"} ");
        }
    }

    @Test
    void inputADriverCouldNotUseIsCountedOnMetricsByThingAndKind() throws Exception {
        try (org.xmppiot.simulators.serial.SerialDeviceSimulator device = org.xmppiot.simulators.serial.SerialDeviceSimulator.start(dir);
             Gateway g = prosody.startGateway(dir, """
                        node-prefix: rejected/
                    things:
                      - id: bench
                        driver: serial
                        port: %s
                        mapping: { type: regex, pattern: '^t=(?<t>-?\\d+\\.\\d)$', fields: [ { name: t, unit: "°C" } ] }
                    http:
                      enabled: true
                      port: 0
                    """.formatted(device.port()))) {
            Await.until("the port open", () -> g.things().thing("bench").orElseThrow().status().isOnline());
            device.send("t=21.5\nnot a reading\nt=21.6\nstill nothing\n");
            Await.until("two lines rejected", () -> g.things().rejected().getOrDefault("bench", java.util.Map.of()).getOrDefault("no-match", 0L) == 2);
            assertThat(get(g, "/metrics").body()).contains("xmppiot_input_rejected_total{kind=\"no-match\",thing=\"bench\"} 2");
        }
    }

    private static BigDecimal level(Gateway g) {
        return ((FieldValue.NumericValue) g.bus().latest().field("tank", "level").orElseThrow().field().value()).value();
    }

    @Test
    void theJsonApiListsThingsWithTheirStatusAndValues() throws Exception {
        try (Gateway g = start("api", "")) {
            Await.until("a reading", () -> g.bus().latest().field("tank", "level").isPresent());
            HttpResponse<String> all = get(g, "/api/things");
            assertThat(all.statusCode()).isEqualTo(200);
            assertThat(all.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(all.body()).startsWith("[{\"id\":\"tank\",\"name\":\"tank\",\"state\":\"online\"").contains("\"name\":\"level\",\"value\":")
                    .contains("\"unit\":\"cm\"");
            assertThat(get(g, "/api/things/tank").body()).startsWith("{\"id\":\"tank\"");
            HttpResponse<String> none = get(g, "/api/things/nothing");
            assertThat(none.statusCode()).isEqualTo(404);
            assertThat(none.body()).isEqualTo("no thing 'nothing'\n");
            assertThat(get(g, "/api/status").body()).contains("\"connection\":{\"jid\":\"gateway@localhost/gateway\"")
                    .contains("\"connected\":true").contains("\"backlog\":");
            // Chat and ad-hoc status say where the page is.
            assertThat(org.xmppiot.gateway.health.HealthText.of(g.health()))
                    .endsWith("\nPage: http://127.0.0.1:" + g.localViews().address().getPort() + "/");
        }
    }

    @Test
    void badRequestsAreRefusedWithTheirStatusAndCountedWhileTheGatewayKeepsPublishing() throws Exception {
        Path password = dir.resolve("http.password");
        Files.writeString(password, "s3cret page\n");
        try (Gateway g = start("guarded", "  password-file: " + password + "\n")) {
            String good = "Basic " + Base64.getEncoder().encodeToString("admin:s3cret page".getBytes(StandardCharsets.UTF_8));
            String bad = "Basic " + Base64.getEncoder().encodeToString("admin:guess".getBytes(StandardCharsets.UTF_8));
            assertThat(get(g, "/").statusCode()).isEqualTo(401);
            assertThat(get(g, "/").headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Basic realm=");
            assertThat(get(g, "/", "Authorization", good).statusCode()).isEqualTo(200);
            assertThat(get(g, "/nowhere", "Authorization", good).statusCode()).isEqualTo(404);
            assertThat(get(g, "/" + "a".repeat(3000), "Authorization", good).statusCode()).isEqualTo(414);
            assertThat(get(g, "/", "Authorization", good, "X-Filler", "b".repeat(20_000)).statusCode()).isEqualTo(431);
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.localViews().address().getPort() + "/metrics"))
                    .header("Authorization", good).POST(HttpRequest.BodyPublishers.ofString("x=1")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
            // An oversized request is answered before its body is read (the client would still be sending it).
            try (Socket s = new Socket("127.0.0.1", g.localViews().address().getPort())) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: x\r\nAuthorization: " + good + "\r\nContent-Length: 50000000\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                String statusLine = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertThat(statusLine).isEqualTo("HTTP/1.1 413");
            }

            // Slow clients: connections that send half a request and never finish or read.
            List<Socket> stalled = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Socket s = new Socket("127.0.0.1", g.localViews().address().getPort());
                OutputStream out = s.getOutputStream();
                out.write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                stalled.add(s);
            }
            try {
                long published = g.publisher().published();
                Await.until("publishing goes on", () -> g.publisher().published() >= published + 10);
                assertThat(get(g, "/api/things", "Authorization", good).statusCode()).isEqualTo(200);
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }

            for (int i = 0; i < RequestGuard.MAX_FAILURES; i++) {
                assertThat(get(g, "/", "Authorization", bad).statusCode()).isEqualTo(401);
            }
            HttpResponse<String> blocked = get(g, "/", "Authorization", good);
            assertThat(blocked.statusCode()).as("even the right password, after five wrong ones").isEqualTo(429);
            assertThat(blocked.headers().firstValue("Retry-After")).isPresent();

            // The refusals are counted by reason.
            assertThat(g.localViews().refusals()).containsEntry("too-many-failures", 1L).containsKeys("not-found", "too-long", "too-large", "method");
            assertThat(g.localViews().refusals().get("unauthorised")).isGreaterThanOrEqualTo(RequestGuard.MAX_FAILURES + 2);
        }
    }
}
