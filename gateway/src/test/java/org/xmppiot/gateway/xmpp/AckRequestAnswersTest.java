package org.xmppiot.gateway.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.testing.ProsodyExtension;
import org.xmppiot.gateway.testing.TcpRelay;

/**
 * Every stream-management ack request (XEP-0198 {@code <r/>}) the server sends is answered: a server does not ask again
 * until it has the answer, and some end a session whose answers stop (ejabberd after 60 s). A busy gateway answers with
 * its next publish, in the same write; one with nothing to send answers within its liveness check (every 5 s with the
 * defaults). Watched on the wire, through a relay between the gateway and a real Prosody.
 */
class AckRequestAnswersTest {

    /** The liveness check's period with the defaults is 5 s; three of them. */
    private static final Duration ANSWERED_WITHIN = Duration.ofSeconds(15);
    private static final Pattern REQUEST = Pattern.compile("<r\\s+xmlns=['\"]urn:xmpp:sm:3['\"]\\s*/>");
    private static final Pattern ANSWER = Pattern.compile("<a\\s+xmlns=['\"]urn:xmpp:sm:3['\"]\\s+h=['\"]\\d+['\"]\\s*/>");

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway");

    @TempDir
    Path dir;

    @Test
    void aBusyGatewayAnswersEveryRequest() throws Exception {
        Wire wire = watchGateway("100ms", gateway -> Await.until("150 publishes", () -> gateway.publisher().published() >= 150));
        assertThat(wire.requests()).as("requests the server made").hasSizeGreaterThanOrEqualTo(5);
        wire.assertEachAnsweredWithin(ANSWERED_WITHIN);
    }

    @Test
    void aGatewayWithNothingToSendStillAnswers() throws Exception {
        // One reading at the start, the next after the test: an answer that waited for a stanza to ride with would
        // come only when the gateway stops.
        Wire wire = watchGateway("10m", gateway -> {
            Await.until("the first reading published", () -> gateway.publisher().published() >= 1);
            Thread.sleep(2 * ANSWERED_WITHIN.toMillis()); // Quiet: only the server's requests and their answers pass.
        });
        assertThat(wire.requests()).as("requests the server made").isNotEmpty();
        wire.assertEachAnsweredWithin(ANSWERED_WITHIN);
    }

    private Wire watchGateway(String interval, Scenario scenario) throws Exception {
        DriverRegistry drivers = DriverRegistry.fromClassPath();
        try (TcpRelay relay = new TcpRelay(prosody.port())) {
            Wire wire = new Wire();
            relay.watch(wire::seen);
            Path file = prosody.writeConfig(dir, "gateway", """
                        node-prefix: acks/
                    things:
                      - id: meter
                        driver: simulated
                        interval: %s
                        fields: [ { name: power, unit: W, waveform: random-walk, decimals: 1 } ]
                    """.formatted(interval));
            Files.writeString(file, Files.readString(file).replace("  port: " + prosody.port() + "\n", "  port: " + relay.port() + "\n"));
            try (Gateway gateway = new Gateway(GatewayConfigLoader.load(file, drivers), drivers)) {
                gateway.start();
                assertThat(gateway.uplink().awaitReady(Await.GENEROUS)).as(gateway.uplink().lastFailure()).isNotNull();
                scenario.run(gateway);
                wire.upTo(System.nanoTime()); // What the gateway sends as it stops would carry any answer still owed.
                assertThat(gateway.uplink().sessions()).as("sessions: the first one lasted").isEqualTo(1);
                assertThat(gateway.uplink().resumptions()).as("resumptions").isZero();
            }
            return wire;
        }
    }

    private interface Scenario {
        void run(Gateway gateway) throws Exception;
    }

    /** What went each way through the relay, with the time each chunk passed. */
    private static final class Wire {
        private final StringBuilder toClient = new StringBuilder();
        private final StringBuilder toServer = new StringBuilder();
        private final List<long[]> toClientChunks = new ArrayList<>();
        private final List<long[]> toServerChunks = new ArrayList<>();
        private long end = Long.MAX_VALUE;

        synchronized void seen(boolean server, String text) {
            StringBuilder all = server ? toServer : toClient;
            all.append(text);
            (server ? toServerChunks : toClientChunks).add(new long[] {all.length(), System.nanoTime()});
        }

        synchronized Wire upTo(long nanos) {
            end = nanos;
            return this;
        }

        /** When each ack request reached the gateway. */
        synchronized List<Long> requests() {
            return times(REQUEST, toClient, toClientChunks, end);
        }

        synchronized List<Long> answers() {
            return times(ANSWER, toServer, toServerChunks, end);
        }

        /** Requests and answers alternate (a server asks again only once answered): each request has its own answer. */
        synchronized void assertEachAnsweredWithin(Duration bound) {
            List<Long> answers = answers();
            int next = 0;
            for (long asked : requests()) {
                while (next < answers.size() && answers.get(next) < asked) {
                    next++;
                }
                if (next == answers.size()) {
                    assertThat(end - asked).as("a request %d ms before the end has no answer yet",
                            (end - asked) / 1_000_000).isLessThan(bound.toNanos());
                    return;
                }
                assertThat(answers.get(next) - asked).as("time to answer the server's request, ns").isLessThan(bound.toNanos());
                next++;
            }
        }

        /** When each match of {@code pattern} passed, up to {@code end}. */
        private static List<Long> times(Pattern pattern, StringBuilder text, List<long[]> chunks, long end) {
            List<Long> times = new ArrayList<>();
            Matcher m = pattern.matcher(text);
            int chunk = 0;
            while (m.find()) {
                while (chunks.get(chunk)[0] < m.end()) {
                    chunk++;
                }
                if (chunks.get(chunk)[1] <= end) {
                    times.add(chunks.get(chunk)[1]);
                }
            }
            return times;
        }
    }
}
