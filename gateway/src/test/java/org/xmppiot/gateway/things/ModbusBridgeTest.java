package org.xmppiot.gateway.things;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.cli.Main;
import org.xmppiot.gateway.testing.ChatClient;
import org.xmppiot.gateway.testing.ProsodyExtension;
import org.xmppiot.simulators.modbus.ModbusSlaveSimulator;
import org.xmppiot.simulators.serial.SerialDeviceSimulator;

/**
 * A Modbus RTU bus (a socat pseudo-terminal answered by a Modbus slave) with two devices on it, and the bus unplugged:
 * the bus is a bridge that goes offline with its reason, both things go offline with the detail bridge-offline, and
 * chat status, the page, /metrics and the owner's fleet view say so; replugged, all are online again.
 */
class ModbusBridgeTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway").withAccount("owner");

    @TempDir
    Path dir;

    private static final String MAP = """
                registers:
                  - { name: temperature, table: input, address: 0, type: int16, scale: 0.1, unit: "°C", decimals: 1 }
            """;

    private String get(Gateway g, String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.localViews().address().getPort() + path))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private String fleet() {
        StringWriter out = new StringWriter();
        try {
            Main.run(new String[] {"fleet", "-c", prosody.writeConfig(dir, "owner", "").toString(), "--add", "gateway@localhost",
                    "--seconds", "30"}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        } catch (java.io.IOException e) {
            return "";
        }
        return out.toString();
    }

    @Test
    void anUnpluggedBusIsABridgeOfflineAndItsThingsSaySoEverywhere() throws Exception {
        ModbusSlaveSimulator slave = new ModbusSlaveSimulator().unit(1).unit(2);
        slave.setInput(1, 0, 215);
        slave.setInput(2, 0, 198);
        try (SerialDeviceSimulator bus = SerialDeviceSimulator.start(dir)) {
            bus.answer(slave.rtuResponder());
            String bridge = "modbus rtu:" + bus.port();
            Gateway gateway = prosody.startGateway(dir, """
                        node-prefix: bridge/
                    access:
                      owners: [ owner@localhost ]
                    things:
                      - id: boiler
                        driver: modbus
                        port: %1$s
                        unit: 1
                        poll-interval: 300ms
                        timeout: 200ms
                    %2$s
                      - id: tank
                        driver: modbus
                        port: %1$s
                        unit: 2
                        poll-interval: 300ms
                        timeout: 200ms
                    %2$s
                    http:
                      enabled: true
                      port: 0
                    """.formatted(bus.port(), MAP));
            try (gateway; ChatClient owner = new ChatClient(prosody, dir, "owner")) {
                Await.until("both online", () -> gateway.things().things().stream().allMatch(t -> t.status().isOnline()));
                assertThat(gateway.things().bridges()).singleElement().satisfies(b -> assertThat(b.status().isOnline()).isTrue());

                bus.unplug();
                Await.until("both things offline behind the bridge", () -> gateway.things().things().stream()
                        .allMatch(t -> t.status().detail() == ThingStatus.Detail.BRIDGE_OFFLINE));
                assertThat(gateway.things().bridges()).singleElement().satisfies(b -> {
                    assertThat(b.id()).isEqualTo(bridge);
                    assertThat(b.status().detail()).isEqualTo(ThingStatus.Detail.DEVICE_MISSING);
                    assertThat(b.status().toString()).startsWith("offline: ");
                });

                Await.until("chat status to name the bridge", () -> String.valueOf(owner.trySay("status"))
                        .contains("\nBridges:\n  " + bridge + ": offline: "));
                assertThat(owner.say("status")).contains("(device-missing)");
                Await.until("/metrics to say bridge-offline", () -> {
                    String metrics = get(gateway, "/metrics");
                    return metrics.contains("xmppiot_thing_status{detail=\"bridge-offline\",state=\"offline\",thing=\"boiler\"} 1")
                            && metrics.contains("xmppiot_thing_status{detail=\"bridge-offline\",state=\"offline\",thing=\"tank\"} 1")
                            && metrics.contains("xmppiot_bridge_status{bridge=\"" + bridge + "\",detail=\"device-missing\",state=\"offline\"} 1");
                });
                assertThat(get(gateway, "/")).contains("data-bridge=\"" + bridge + "\" data-detail=\"device-missing\"")
                        .contains("data-detail=\"bridge-offline\"");
                assertThat(get(gateway, "/api/status")).contains("\"bridges\":[{\"id\":\"" + bridge + "\",\"state\":\"offline\",\"detail\":\"device-missing\"");
                Await.until("the fleet view to show the bridge and its things", () -> {
                    String seen = fleet();
                    return seen.contains("boiler: offline (bridge-offline)") && seen.contains("tank: offline (bridge-offline)")
                            && seen.contains("bridge " + bridge + ": offline (device-missing)");
                });

                bus.replug();
                Await.until("both online again", () -> gateway.things().things().stream().allMatch(t -> t.status().isOnline()));
                Await.until("the bridge online again", () -> gateway.things().bridges().stream().allMatch(b -> b.status().isOnline()));
            }
        }
    }
}
