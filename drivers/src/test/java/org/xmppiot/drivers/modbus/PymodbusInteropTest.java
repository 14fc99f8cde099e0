package org.xmppiot.drivers.modbus;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.config.YamlConfigReader;
import org.xmppiot.core.model.Command;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.testing.Await;
import org.xmppiot.core.testing.RecordingSink;
import org.xmppiot.simulators.WatchedProcess;
import org.xmppiot.simulators.modbus.PymodbusSlave;

/**
 * The driver against pymodbus (Debian's python3-pymodbus), an implementation independent of ours: an SDM120 profile
 * read over RTU on a pseudo-terminal, and a probe's correction written and read back over TCP.
 */
class PymodbusInteropTest {

    @TempDir
    Path dir;

    private static String value(RecordingSink sink, String field) {
        List<Reading> all = sink.readings();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).field(field) != null && all.get(i).field(field).value() instanceof FieldValue.NumericValue v) {
                return v.value().toPlainString() + " " + v.unit();
            }
        }
        return null;
    }

    @Test
    void anSdm120OnAnRtuBusReadsAsItsDatasheetSays() throws Exception {
        Path device = dir.resolve("meter");
        Path port = dir.resolve("ttyUSB-meter");
        Process socat = WatchedProcess.start(List.of(WatchedProcess.executable("socat", "socat").toString(),
                "pty,raw,echo=0,link=" + device, "pty,raw,echo=0,link=" + port), null, null);
        ModbusDriver driver = null;
        try {
            Await.until("pseudo-terminals", () -> device.toFile().exists() && port.toFile().exists());
            try (PymodbusSlave slave = PymodbusSlave.start(dir, List.of("--rtu", device.toString(), "--baud", "2400", "--unit", "7",
                    "--input-float", "0=231.4", "--input-float", "6=4.25", "--input-float", "0x0156=15234.125"))) {
                driver = (ModbusDriver) new ModbusDriverFactory().create(new ThingConfig("meter", "meter", "modbus",
                        YamlConfigReader.read("things.yaml", "id: meter\ndriver: modbus\nport: " + port + "\nunit: 7\nprofile: sdm120\npoll-interval: 500ms\n")));
                RecordingSink sink = new RecordingSink();
                driver.start(sink);
                Await.until("a reading from pymodbus", () -> value(sink, "total-energy") != null);
                assertThat(value(sink, "voltage")).isEqualTo("231.4 V");
                assertThat(value(sink, "current")).isEqualTo("4.250 A");
                assertThat(value(sink, "total-energy")).isEqualTo("15234.125 kWh");
                assertThat(driver.rejected()).isEmpty();
            }
        } finally {
            if (driver != null) {
                driver.close();
            }
            WatchedProcess.stop(socat, 5);
        }
    }

    @Test
    void aWriteOverTcpChangesTheDeviceAndComesBack() throws Exception {
        int tcpPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            tcpPort = s.getLocalPort();
        }
        try (PymodbusSlave slave = PymodbusSlave.start(dir, List.of("--tcp", Integer.toString(tcpPort), "--unit", "1",
                "--input", "1=235,487", "--holding", "0x0103=0xFFFB"))) {
            ModbusDriver driver = (ModbusDriver) new ModbusDriverFactory().create(new ThingConfig("probe", "probe", "modbus",
                    YamlConfigReader.read("things.yaml", "id: probe\ndriver: modbus\nhost: 127.0.0.1\ntcp-port: " + tcpPort
                            + "\nprofile: xy-md02\npoll-interval: 1h\n")));
            try {
                RecordingSink sink = new RecordingSink();
                driver.start(sink);
                Await.until("a reading from pymodbus", () -> value(sink, "humidity") != null);
                assertThat(value(sink, "temperature")).isEqualTo("23.5 °C");
                assertThat(value(sink, "humidity")).isEqualTo("48.7 %");
                assertThat(value(sink, "temperature-correction")).isEqualTo("-0.5 °C");
                driver.execute(new Command("probe", "temperature-correction", new FieldValue.NumericValue(new BigDecimal("1.5"), "°C"), "test"));
                // The read-back after the write is pymodbus's register, not our own echo of the command.
                assertThat(value(sink, "temperature-correction")).isEqualTo("1.5 °C");
            } finally {
                driver.close();
            }
        }
    }
}
