package org.xmppiot.drivers.modbus;

import java.util.concurrent.locks.ReentrantLock;

import com.ghgande.j2mod.modbus.ModbusException;
import com.ghgande.j2mod.modbus.ModbusSlaveException;
import com.ghgande.j2mod.modbus.facade.AbstractModbusMaster;
import com.ghgande.j2mod.modbus.procimg.InputRegister;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import com.ghgande.j2mod.modbus.util.BitVector;

/**
 * One Modbus line the gateway is master of: an RTU bus on a serial port or a TCP connection, shared by every
 * thing configured on it (one unit id each). Requests are serialised, fairly, so a thing that waits for a
 * silent device delays the others by at most one timeout; j2mod keeps the 3.5-character gap between frames on
 * a serial bus. Each request is tried up to {@code tries} times unless the device answered with an exception.
 */
abstract class ModbusLink implements AutoCloseable {

    /** Carries out one request on the master. */
    @FunctionalInterface
    interface Request<T> {
        T run(AbstractModbusMaster master) throws ModbusException;
    }

    private final ReentrantLock lock = new ReentrantLock(true);
    private final int timeoutMillis;

    ModbusLink(int timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    /** "/dev/ttyUSB0" or "192.168.1.20:502". */
    abstract String describe();

    /** The line settings, for refusing a second thing that disagrees: "9600 8N1", "tcp". */
    abstract String settings();

    /** A master ready for a request: opened, or opened again after the device came back. */
    protected abstract AbstractModbusMaster master() throws ModbusFault;

    /** After a failed request: close what is broken (a vanished port, a connection the device closed). */
    protected abstract void afterFailure(ModbusFault fault);

    int timeoutMillis() {
        return timeoutMillis;
    }

    int[] readWords(int unit, RegisterTable table, int first, int count, int tries) throws ModbusFault {
        InputRegister[] registers = call(unit, "a read of " + table.describe(first, count), tries, m -> table == RegisterTable.HOLDING
                ? m.readMultipleRegisters(unit, first, count) : m.readInputRegisters(unit, first, count));
        if (registers == null || registers.length < count) {
            throw new ModbusFault(ModbusFault.Kind.GARBAGE, "unit " + unit + " on " + describe() + " sent "
                    + (registers == null ? 0 : registers.length) + " registers for a read of " + count);
        }
        int[] words = new int[count];
        for (int i = 0; i < count; i++) {
            words[i] = registers[i].toUnsignedShort();
        }
        return words;
    }

    boolean[] readBits(int unit, RegisterTable table, int first, int count, int tries) throws ModbusFault {
        BitVector bits = call(unit, "a read of " + table.describe(first, count), tries, m -> table == RegisterTable.COIL
                ? m.readCoils(unit, first, count) : m.readInputDiscretes(unit, first, count));
        if (bits == null || bits.size() < count) {
            throw new ModbusFault(ModbusFault.Kind.GARBAGE, "unit " + unit + " on " + describe() + " sent too few bits for a read of " + count);
        }
        boolean[] out = new boolean[count];
        for (int i = 0; i < count; i++) {
            out[i] = bits.getBit(i);
        }
        return out;
    }

    void writeRegisters(int unit, int address, int[] words, int tries) throws ModbusFault {
        String what = "a write of " + RegisterTable.HOLDING.describe(address, words.length);
        call(unit, what, tries, m -> {
            if (words.length == 1) {
                return m.writeSingleRegister(unit, address, new SimpleRegister(words[0]));
            }
            Register[] registers = new Register[words.length];
            for (int i = 0; i < words.length; i++) {
                registers[i] = new SimpleRegister(words[i]);
            }
            return m.writeMultipleRegisters(unit, address, registers);
        });
    }

    void writeCoil(int unit, int address, boolean value, int tries) throws ModbusFault {
        call(unit, "a write of " + RegisterTable.COIL.describe(address, 1), tries, m -> m.writeCoil(unit, address, value));
    }

    private <T> T call(int unit, String what, int tries, Request<T> request) throws ModbusFault {
        ModbusFault last = null;
        for (int attempt = 1; attempt <= tries; attempt++) {
            lock.lock();
            try {
                return request.run(master());
            } catch (ModbusSlaveException e) {
                throw ModbusFault.exception(e.getType(), unit, what);
            } catch (ModbusFault fault) {
                last = fault;
            } catch (ModbusException | RuntimeException e) {
                last = classify(unit, e);
                afterFailure(last);
            } finally {
                lock.unlock();
            }
            if (!last.kind().retried()) {
                break;
            }
        }
        throw last;
    }

    /** j2mod says what went wrong in its messages only; these are the ones its RTU and TCP transports use. */
    private ModbusFault classify(int unit, Exception e) {
        String text = String.valueOf(e.getMessage());
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("crc")) {
            return new ModbusFault(ModbusFault.Kind.CRC, "answers from unit " + unit + " on " + describe()
                    + " fail their CRC check (noise on the line, a wrong baud rate or parity, or two devices with one unit id)");
        }
        if (lower.contains("truncated") && !lower.contains("header") || lower.contains("unrecognised function") || lower.contains("mismatch")
                || lower.contains("invalid")) {
            return new ModbusFault(ModbusFault.Kind.GARBAGE, "unit " + unit + " on " + describe() + " sends bytes that are no answer to the request");
        }
        if (lower.contains("cannot read from serial port") || lower.contains("timed out") || lower.contains("error reading response")
                || lower.contains("failed to get any response")) {
            return new ModbusFault(ModbusFault.Kind.TIMEOUT, "unit " + unit + " on " + describe() + " does not answer (no reply within "
                    + timeoutMillis + " ms)");
        }
        return new ModbusFault(ModbusFault.Kind.LINK, describe() + ": " + linkProblem(lower, text));
    }

    private static String linkProblem(String lower, String text) {
        if (lower.contains("refused")) {
            return "connection refused";
        }
        if (lower.contains("end of stream") || lower.contains("reset") || lower.contains("broken pipe") || lower.contains("header truncated")) {
            return "the device closed the connection";
        }
        if (lower.contains("not valid or not open")) {
            return "the port closed (device gone?)";
        }
        return text;
    }

    @Override
    public abstract void close();
}
