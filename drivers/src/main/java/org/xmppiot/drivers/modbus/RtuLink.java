package org.xmppiot.drivers.modbus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fazecast.jSerialComm.SerialPort;
import com.ghgande.j2mod.modbus.Modbus;
import com.ghgande.j2mod.modbus.facade.AbstractModbusMaster;
import com.ghgande.j2mod.modbus.facade.ModbusSerialMaster;
import com.ghgande.j2mod.modbus.util.SerialParameters;

import org.xmppiot.drivers.common.SerialLine;

/**
 * A Modbus RTU bus on a serial port (a USB RS-485 adapter, a UART with a transceiver). Opened by path, so a
 * /dev/serial/by-id path finds a replugged adapter again; closed when the port vanishes and opened again when
 * it is back (also when the path now leads to another device node).
 */
final class RtuLink extends ModbusLink {

    private final SerialLine line;
    private ModbusSerialMaster master;
    private Path openedAs;

    RtuLink(SerialLine line, int timeoutMillis) {
        super(timeoutMillis);
        this.line = line;
    }

    @Override
    String describe() {
        return line.path();
    }

    @Override
    String settings() {
        char parity = line.parity() == SerialPort.EVEN_PARITY ? 'E' : line.parity() == SerialPort.ODD_PARITY ? 'O' : 'N';
        String stop = line.stopBits() == SerialPort.TWO_STOP_BITS ? "2" : line.stopBits() == SerialPort.ONE_POINT_FIVE_STOP_BITS ? "1.5" : "1";
        return line.baud() + " " + line.dataBits() + parity + stop;
    }

    @Override
    protected synchronized AbstractModbusMaster master() throws ModbusFault {
        Path path = Path.of(line.path());
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            closeMaster();
            throw new ModbusFault(ModbusFault.Kind.LINK, "no device at " + line.path() + "; waiting for it");
        }
        if (master != null && !real.equals(openedAs)) {
            closeMaster();
        }
        if (master == null) {
            if (!Files.isReadable(real) || !Files.isWritable(real)) {
                throw new ModbusFault(ModbusFault.Kind.LINK, "permission denied on " + line.path() + ": add the gateway's user to the port's group, "
                        + "usually dialout (sudo usermod -aG dialout USER), then restart the gateway");
            }
            SerialParameters parameters = new SerialParameters();
            parameters.setPortName(line.path());
            parameters.setBaudRate(line.baud());
            parameters.setDatabits(line.dataBits());
            parameters.setParity(line.parity());
            parameters.setStopbits(line.stopBits());
            parameters.setFlowControlIn(line.flowControl());
            parameters.setEncoding(Modbus.SERIAL_ENCODING_RTU);
            ModbusSerialMaster opened = new ModbusSerialMaster(parameters, timeoutMillis());
            try {
                opened.connect();
                // Tries are ours (ModbusLink); connect() makes a new transaction, which would otherwise retry by itself.
                opened.setRetries(1);
            } catch (Exception e) {
                opened.disconnect();
                throw new ModbusFault(ModbusFault.Kind.LINK, "cannot open " + line.path() + ": " + e.getMessage());
            }
            master = opened;
            openedAs = real;
        }
        return master;
    }

    @Override
    protected synchronized void afterFailure(ModbusFault fault) {
        if (fault.kind() == ModbusFault.Kind.LINK || !Files.exists(Path.of(line.path()))) {
            closeMaster();
        }
    }

    private void closeMaster() {
        if (master != null) {
            master.disconnect();
            master = null;
            openedAs = null;
        }
    }

    @Override
    public synchronized void close() {
        closeMaster();
    }
}
