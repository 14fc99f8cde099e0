package org.xmppiot.gateway.things;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.xmppiot.core.model.Reading;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.testing.ChatClient;
import org.xmppiot.gateway.testing.ProsodyExtension;
import org.xmppiot.gateway.testing.Subscriptions;
import org.xmppiot.gateway.watch.ReadingWatcher;
import org.xmppiot.simulators.WatchedProcess;
import org.xmppiot.simulators.modbus.ModbusSlaveSimulator;
import org.xmppiot.simulators.modbus.PymodbusSlave;

/**
 * Modbus devices end to end: an energy meter on an RTU bus (pymodbus on a socat pseudo-terminal) and a boiler
 * controller over Modbus TCP reach a subscriber through Prosody with their units and decimals; a reader may not
 * write a register, an owner's write changes the device and comes back on the node.
 */
class ModbusThingsTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway").withAccount("owner").withAccount("reader");

    @TempDir
    Path dir;

    @Test
    void rtuAndTcpDevicesReachASubscriberAndOnlyOwnersWriteTheirRegisters() throws Exception {
        Path device = dir.resolve("meter");
        Path port = dir.resolve("ttyUSB-rs485");
        Process socat = WatchedProcess.start(List.of(WatchedProcess.executable("socat", "socat").toString(),
                "pty,raw,echo=0,link=" + device, "pty,raw,echo=0,link=" + port), null, null);
        try (ModbusSlaveSimulator boiler = new ModbusSlaveSimulator().unit(1)) {
            Await.until("pseudo-terminals", () -> device.toFile().exists() && port.toFile().exists());
            boiler.setInput(1, 0, -215);
            boiler.setHolding(1, 10, 42);
            int tcpPort = boiler.serveTcp();
            try (PymodbusSlave meter = PymodbusSlave.start(dir, List.of("--rtu", device.toString(), "--baud", "2400", "--unit", "7",
                    "--input-float", "0=231.44", "--input-float", "0x0156=15234.1254"))) {
                Gateway gateway = prosody.startGateway(dir, """
                            node-prefix: mb/
                        access:
                          owners: [ owner@localhost ]
                          readers: [ reader@localhost ]
                        things:
                          - id: meter
                            driver: modbus
                            port: %s
                            unit: 7
                            profile: sdm120
                            poll-interval: 500ms
                          - id: boiler
                            driver: modbus
                            host: 127.0.0.1
                            tcp-port: %d
                            poll-interval: 500ms
                            registers:
                              - { name: flow-temperature, table: input, address: 0, type: int16, scale: 0.1, unit: "°C", decimals: 1 }
                              - { name: setpoint, table: holding, address: 10, type: uint16, scale: 0.5, unit: "°C", writable: true, min: 5, max: 30 }
                        """.formatted(port, tcpPort));
                try (gateway) {
                    Await.until("items on both nodes", () -> Subscriptions.nodeHasItems(prosody, dir, "mb/meter") && Subscriptions.nodeHasItems(prosody, dir, "mb/boiler"));
                    List<Reading> received = new CopyOnWriteArrayList<>();
                    try (ReadingWatcher subscriber = new ReadingWatcher(GatewayConfigLoader.loadXmpp(prosody.writeConfig(dir, "reader", "")),
                            received::add)) {
                        subscriber.start(List.of("mb/meter", "mb/boiler"));
                        Await.until("readings of both devices", () -> Subscriptions.latest(received, "meter", "total-energy") != null
                                && Subscriptions.latest(received, "boiler", "setpoint") != null);
                        assertThat(Subscriptions.latest(received, "meter", "voltage")).isEqualTo("231.4 V");
                        assertThat(Subscriptions.latest(received, "meter", "total-energy")).isEqualTo("15234.125 kWh");
                        assertThat(Subscriptions.latest(received, "boiler", "flow-temperature")).isEqualTo("-21.5 °C");
                        assertThat(Subscriptions.latest(received, "boiler", "setpoint")).isEqualTo("21.0 °C");

                        try (ChatClient reader = new ChatClient(prosody, dir, "reader"); ChatClient owner = new ChatClient(prosody, dir, "owner")) {
                            assertThat(reader.say("set boiler setpoint 22.5")).contains("Only the gateway's owners may set values.");
                            assertThat(boiler.holding(1, 10)).isEqualTo(42);
                            assertThat(owner.say("set boiler setpoint 31")).contains("'setpoint' of boiler takes 5 to 30 °C, not 31");
                            assertThat(owner.say("set boiler setpoint 22.5")).doesNotContain("not").doesNotContain("cannot");
                            assertThat(boiler.holding(1, 10)).isEqualTo(45);
                            Await.until("the new setpoint on the node", () -> "22.5 °C".equals(Subscriptions.latest(received, "boiler", "setpoint")));
                        }
                    }
                }
            }
        } finally {
            WatchedProcess.stop(socat, 5);
        }
    }
}
