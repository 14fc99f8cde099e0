package org.xmppiot.drivers.common;

import java.util.Set;

import com.fazecast.jSerialComm.SerialPort;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;

/** Where a serial device is and how to talk to it: the line settings of its datasheet (serial and Modbus RTU). */
public record SerialLine(String path, int baud, int dataBits, int parity, int stopBits, int flowControl) {

    public static final Set<String> KEYS = Set.of("port", "baud", "data-bits", "parity", "stop-bits", "flow-control");

    public static SerialLine read(ConfigNode thing, int defaultBaud) throws ConfigException {
        String path = thing.string("port");
        int baud = thing.integer("baud", defaultBaud, 50, 4_000_000);
        int dataBits = thing.integer("data-bits", 8, 5, 8);
        int parity = switch (thing.choice("parity", "none", "none", "even", "odd")) {
            case "even" -> SerialPort.EVEN_PARITY;
            case "odd" -> SerialPort.ODD_PARITY;
            default -> SerialPort.NO_PARITY;
        };
        int stopBits = switch (thing.choice("stop-bits", "1", "1", "1.5", "2")) {
            case "1.5" -> SerialPort.ONE_POINT_FIVE_STOP_BITS;
            case "2" -> SerialPort.TWO_STOP_BITS;
            default -> SerialPort.ONE_STOP_BIT;
        };
        int flow = switch (thing.choice("flow-control", "none", "none", "rts-cts", "xon-xoff")) {
            case "rts-cts" -> SerialPort.FLOW_CONTROL_RTS_ENABLED | SerialPort.FLOW_CONTROL_CTS_ENABLED;
            case "xon-xoff" -> SerialPort.FLOW_CONTROL_XONXOFF_IN_ENABLED | SerialPort.FLOW_CONTROL_XONXOFF_OUT_ENABLED;
            default -> SerialPort.FLOW_CONTROL_DISABLED;
        };
        return new SerialLine(path, baud, dataBits, parity, stopBits, flow);
    }
}
