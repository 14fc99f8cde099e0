package org.xmppiot.drivers.modbus;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.config.YamlConfigReader;
import org.xmppiot.core.model.Command;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.core.spi.DriverContext;
import org.xmppiot.core.testing.Await;
import org.xmppiot.core.testing.RecordingSink;
import org.xmppiot.simulators.modbus.ModbusSlaveSimulator;

/** The Modbus driver against a TCP slave on 127.0.0.1: the same register maps, a device that closes the connection, one that never answers. */
class ModbusTcpTest {

    private static final String MAP = """
            registers:
              - { name: temperature, table: input, address: 0, type: int16, scale: 0.1, unit: "°C", decimals: 1 }
              - { name: energy, table: input, address: 2, type: float32, unit: kWh, decimals: 2 }
              - { name: setpoint, table: holding, address: 10, type: uint16, scale: 0.5, unit: "°C", writable: true, min: 5, max: 30 }
            """;

    private final ModbusSlaveSimulator slave = new ModbusSlaveSimulator().unit(1);
    private final List<ModbusDriver> drivers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        drivers.forEach(ModbusDriver::close);
        slave.close();
    }

    private final DriverContext context = DriverContext.standalone();

    private ModbusDriver start(int port, String settings, RecordingSink sink) throws ConfigException {
        ThingConfig thing = new ThingConfig("plc", "plc", "modbus", YamlConfigReader.read("things.yaml",
                "id: plc\ndriver: modbus\nhost: 127.0.0.1\ntcp-port: " + port + "\n" + settings + MAP));
        ModbusDriver driver = (ModbusDriver) new ModbusDriverFactory().create(thing, context);
        drivers.add(driver);
        driver.start(sink);
        return driver;
    }

    private static String temperature(RecordingSink sink) {
        List<Reading> all = sink.readings();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).field("temperature") != null) {
                FieldValue.NumericValue v = (FieldValue.NumericValue) all.get(i).field("temperature").value();
                return v.value().toPlainString() + " " + v.unit();
            }
        }
        return null;
    }

    @Test
    void readsAndWritesOverTcpAndReconnectsWhenTheDeviceClosesTheConnection() throws Exception {
        slave.setInput(1, 0, 195);
        slave.setInputFloat(1, 2, 17.25f);
        slave.setHolding(1, 10, 40);
        int port = slave.serveTcp();
        RecordingSink sink = new RecordingSink();
        ModbusDriver driver = start(port, "unit: 1\npoll-interval: 200ms\ntimeout: 500ms\n", sink);
        Await.until("a reading", () -> "19.5 °C".equals(temperature(sink)));
        assertThat(sink.readings().get(sink.readings().size() - 1).field("energy").value())
                .isEqualTo(new FieldValue.NumericValue(new java.math.BigDecimal("17.25"), "kWh"));

        for (int i = 0; i < 3; i++) {
            slave.closeTcpConnections();
            slave.setInput(1, 0, 200 + i);
            String expected = String.format("%d.%d °C", (200 + i) / 10, (200 + i) % 10);
            Await.until("a reading after the device closed the connection (" + i + ")", () -> expected.equals(temperature(sink)));
        }
        Await.until("online", () -> ThingStatus.online().equals(sink.lastStatus()));

        driver.execute(new Command("plc", "setpoint", new FieldValue.StringValue("12"), "test"));
        assertThat(slave.holding(1, 10)).isEqualTo(24);
    }

    @Test
    void aDeviceThatNeverAnswersOrIsNotThereIsOfflineWithWhy() throws Exception {
        int port = slave.serveTcp();
        slave.behave(1, new ModbusSlaveSimulator.Silent());
        RecordingSink silent = new RecordingSink();
        start(port, "unit: 1\npoll-interval: 200ms\ntimeout: 300ms\n", silent);
        Await.until("offline, no answer", () -> String.valueOf(silent.lastStatus())
                .equals("offline: unit 1 on 127.0.0.1:" + port + " does not answer (no reply within 300 ms)"));
        slave.behave(1, new ModbusSlaveSimulator.Answer());
        Await.until("online once it answers", () -> ThingStatus.online().equals(silent.lastStatus()));

        int nobody;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            nobody = s.getLocalPort();
        }
        RecordingSink refused = new RecordingSink();
        start(nobody, "unit: 1\npoll-interval: 200ms\ntimeout: 300ms\n", refused);
        Await.until("offline, refused", () -> String.valueOf(refused.lastStatus())
                .equals("offline: cannot connect to 127.0.0.1:" + nobody + ": connection refused"));
    }
}
