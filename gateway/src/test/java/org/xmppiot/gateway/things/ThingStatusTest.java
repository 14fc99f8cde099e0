package org.xmppiot.gateway.things;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.model.Category;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.core.testing.Await;
import org.xmppiot.core.thing.Thing;
import org.xmppiot.core.thing.ThingRegistry;
import org.xmppiot.simulators.serial.SerialDeviceSimulator;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.iotdata.SensorDataFields;
import org.xmppiot.gateway.iotdata.SensorDataRequest;
import org.xmppiot.gateway.testing.ChatClient;
import org.xmppiot.gateway.testing.ProsodyExtension;

/**
 * One status model for every thing, seen where users look: a serial thing whose adapter is pulled is
 * offline with the reason in chat {@code status} and in a XEP-0323 status read-out, and online again
 * after the replug; a disabled thing says so; channels are declared before any reading.
 */
class ThingStatusTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway").withAccount("owner");

    @TempDir
    Path dir;

    private static SensorDataRequest statusOf(String thing) {
        return new SensorDataRequest(1, List.of(thing), List.of(), Set.of(Category.STATUS), false, null, null, null);
    }

    private static String statusField(SensorDataFields answer) {
        if (answer == null || answer.readings().isEmpty()) {
            return null;
        }
        Field f = answer.readings().get(0).field(ThingRegistry.STATUS_FIELD);
        return f == null ? null : ((FieldValue.StringValue) f.value()).value();
    }

    /** A local view's body; "" when it could not be fetched (the condition is tried again). */
    private static String get(Gateway g, String path) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + g.localViews().address().getPort() + path))
                    .timeout(java.time.Duration.ofSeconds(20)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Test
    void aSerialThingWhosePortVanishesIsOfflineWithTheReasonAndOnlineAgainAfterTheReplug() throws Exception {
        try (SerialDeviceSimulator device = SerialDeviceSimulator.start(dir)) {
            Gateway gateway = prosody.startGateway(dir, """
                        node-prefix: status/
                    access:
                      owners: [ owner@localhost ]
                    things:
                      - id: bench
                        driver: serial
                        port: %s
                        mapping: { type: csv, fields: [ { name: t, column: 1, unit: "°C" } ] }
                      - id: spare
                        driver: simulated
                        enabled: false
                        fields: [ { name: x, waveform: constant, value: 1 } ]
                    http:
                      enabled: true
                      port: 0
                    """.formatted(device.port()));
            try (gateway) { // The next test's gateway uses the same account.
            ThingRegistry things = gateway.things();
            Await.until("the serial thing to be online", () -> things.thing("bench").orElseThrow().status().isOnline());
            assertThat(things.thing("spare").orElseThrow().status()).isEqualTo(ThingStatus.disabled("enabled: false in the configuration"));

            try (ChatClient owner = new ChatClient(prosody, dir, "owner")) {
                assertThat(owner.say("status")).contains("\n  bench: online").contains("\n  spare: disabled: enabled: false in the configuration");
                Await.until("the status to be readable", () -> "online".equals(statusField(owner.tryReadOut(statusOf("bench")))));

                device.unplug();
                Await.until("the thing to go offline", () -> !things.thing("bench").orElseThrow().status().isOnline());
                // First the read fails (device gone), then reopening finds nothing (no device at the path).
                String gone = "offline: (device gone|no device at " + java.util.regex.Pattern.quote(device.port().toString()) + ").*";
                Thing away = things.thing("bench").orElseThrow();
                assertThat(away.status().state()).isEqualTo(ThingStatus.State.OFFLINE);
                assertThat(away.status().toString()).matches(gone);
                // The kind of trouble, for machines: in /metrics and the JSON API beside the sentence.
                assertThat(away.status().detail()).isEqualTo(ThingStatus.Detail.DEVICE_MISSING);
                Await.until("/metrics to say device-missing", () -> get(gateway, "/metrics")
                        .contains("xmppiot_thing_status{detail=\"device-missing\",state=\"offline\",thing=\"bench\"} 1"));
                Await.until("/api/status to say device-missing", () -> get(gateway, "/api/status").contains("\"detail\":\"device-missing\""));
                Await.until("chat status to say offline", () -> String.valueOf(owner.trySay("status")).lines()
                        .anyMatch(l -> l.matches("  bench: " + gone)));
                Await.until("the read-out to say offline", () -> {
                    String s = statusField(owner.tryReadOut(statusOf("bench")));
                    return s != null && s.matches(gone);
                });

                device.replug();
                Await.until("the thing to be online again", () -> things.thing("bench").orElseThrow().status().isOnline());
                assertThat(owner.say("status")).contains("\n  bench: online");
                Await.until("the read-out to say online", () -> "online".equals(statusField(owner.tryReadOut(statusOf("bench")))));
            }
            }
        }
    }

    @Test
    void aThingDeclaresItsChannelsBeforeItsFirstReadingAndCommandsAreCheckedAgainstThem() throws Exception {
        Gateway gateway = prosody.startGateway(dir, """
                    node-prefix: channels/
                access:
                  owners: [ owner@localhost ]
                things:
                  - id: shed
                    driver: gpio
                    platform: mock
                    inputs: [ { name: door, pin: 17 } ]
                    outputs: [ { name: pump, pin: 22, safe: off } ]
                    pwm: [ { name: fan, pin: 18, frequency: 1000, safe: 0 } ]
                """);
        try (gateway) {
        Thing shed = gateway.things().thing("shed").orElseThrow();
        assertThat(shed.channels()).extracting(c -> c.name() + (c.writable() ? " settable" : ""))
                .containsExactly("door", "pump settable", "fan settable");
        assertThat(shed.channel("fan").max()).isEqualByComparingTo("100");
        try (ChatClient owner = new ChatClient(prosody, dir, "owner")) {
            assertThat(owner.say("set shed fan 150")).contains("'fan' of shed takes 0 to 100 %, not 150");
            assertThat(owner.say("set shed door on")).contains("'door' of shed can only be read");
            assertThat(owner.say("set shed fan 40")).doesNotContain("not").doesNotContain("cannot");
        }
        }
    }
}
