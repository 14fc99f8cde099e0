package org.xmppiot.drivers.modbus;

import com.ghgande.j2mod.modbus.facade.AbstractModbusMaster;
import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;

/**
 * A Modbus TCP device (or a TCP-to-RTU gateway holding several unit ids). Connects on first use and again
 * after any failure other than an exception answer: a device that closed the connection or let a request time
 * out gets a fresh one, so a late answer can never be taken for the next request's.
 */
final class TcpLink extends ModbusLink {

    private final String host;
    private final int port;
    private ModbusTCPMaster master;

    TcpLink(String host, int port, int timeoutMillis) {
        super(timeoutMillis);
        this.host = host;
        this.port = port;
    }

    @Override
    String describe() {
        return host + ":" + port;
    }

    @Override
    String settings() {
        return "tcp";
    }

    @Override
    protected synchronized AbstractModbusMaster master() throws ModbusFault {
        if (master == null) {
            try {
                master = new ModbusTCPMaster(host, port, timeoutMillis(), false);
            } catch (RuntimeException e) {
                throw new ModbusFault(ModbusFault.Kind.LINK, "cannot resolve " + host + ": " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
            }
        }
        if (!master.isConnected()) {
            try {
                master.connect();
                // Tries are ours (ModbusLink); connect() makes a new transaction, which would otherwise retry by itself.
                master.setRetries(1);
            } catch (Exception e) {
                master.disconnect();
                String why = String.valueOf(e.getMessage());
                throw new ModbusFault(ModbusFault.Kind.LINK, "cannot connect to " + describe() + ": "
                        + (why.toLowerCase(java.util.Locale.ROOT).contains("refused") ? "connection refused" : why));
            }
        }
        return master;
    }

    @Override
    protected synchronized void afterFailure(ModbusFault fault) {
        if (master != null && fault.kind() != ModbusFault.Kind.EXCEPTION) {
            master.disconnect();
        }
    }

    @Override
    public synchronized void close() {
        if (master != null) {
            master.disconnect();
            master = null;
        }
    }
}
