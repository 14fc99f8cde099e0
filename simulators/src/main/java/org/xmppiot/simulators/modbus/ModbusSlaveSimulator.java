package org.xmppiot.simulators.modbus;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Modbus devices (one per unit id) for tests and benchmarks, each with the four tables and a behaviour that can be
 * switched while running: answer, stay silent, answer with an exception code, answer with a bad CRC, or answer and
 * then put garbage on the line. Speaks RTU through {@link #rtuResponder()} (for a socat pseudo-terminal, see
 * {@code SerialDeviceSimulator#answer}) and TCP on 127.0.0.1 through {@link #serveTcp()}.
 */
public final class ModbusSlaveSimulator implements AutoCloseable {

    /** How a unit treats requests. */
    public sealed interface Behaviour permits Answer, Silent, Fails, BadCrc, GarbageAfter {
    }

    public record Answer() implements Behaviour {
    }

    public record Silent() implements Behaviour {
    }

    /** Answers every request with this exception code (2 illegal data address, 6 slave device busy, ...). */
    public record Fails(int code) implements Behaviour {
    }

    /** Answers correctly but with a wrong checksum (RTU only). */
    public record BadCrc() implements Behaviour {
    }

    /** Answers, then sends noise bytes that belong to no frame (RTU only). */
    public record GarbageAfter() implements Behaviour {
    }

    private static final class Unit {
        final int[] holding = new int[65536];
        final int[] input = new int[65536];
        final boolean[] coils = new boolean[65536];
        final boolean[] discrete = new boolean[65536];
        volatile Behaviour behaviour = new Answer();
    }

    private final Map<Integer, Unit> units = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private ServerSocket server;

    /** Adds a device with unit id {@code id}, all registers 0, answering. */
    public ModbusSlaveSimulator unit(int id) {
        units.computeIfAbsent(id, k -> new Unit());
        return this;
    }

    public void behave(int unit, Behaviour behaviour) {
        units.get(unit).behaviour = behaviour;
    }

    public void setHolding(int unit, int address, int... words) {
        for (int i = 0; i < words.length; i++) {
            units.get(unit).holding[address + i] = words[i] & 0xFFFF;
        }
    }

    public void setInput(int unit, int address, int... words) {
        for (int i = 0; i < words.length; i++) {
            units.get(unit).input[address + i] = words[i] & 0xFFFF;
        }
    }

    /** Sets two input registers to a float32, high word first. */
    public void setInputFloat(int unit, int address, float value) {
        int bits = Float.floatToIntBits(value);
        setInput(unit, address, bits >>> 16, bits & 0xFFFF);
    }

    public void setCoil(int unit, int address, boolean value) {
        units.get(unit).coils[address] = value;
    }

    public void setDiscrete(int unit, int address, boolean value) {
        units.get(unit).discrete[address] = value;
    }

    public int holding(int unit, int address) {
        return units.get(unit).holding[address];
    }

    public boolean coil(int unit, int address) {
        return units.get(unit).coils[address];
    }

    /** Requests received so far, answered or not. */
    public long requests() {
        return requests.get();
    }

    // ---- RTU ----

    /** Reads RTU requests from the bytes a pseudo-terminal delivers (in chunks of any size) and returns the answers. */
    public Function<byte[], byte[]> rtuResponder() {
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        return chunk -> {
            synchronized (pending) {
                pending.write(chunk, 0, chunk.length);
                byte[] buf = pending.toByteArray();
                int length = requestLength(buf);
                if (length < 0 || buf.length < length) {
                    return null;
                }
                pending.reset();
                byte[] frame = Arrays.copyOf(buf, length);
                if (crc(frame, length - 2) != ((frame[length - 2] & 0xFF) | (frame[length - 1] & 0xFF) << 8)) {
                    return null; // A device ignores a request with a bad checksum.
                }
                return rtuAnswer(frame[0] & 0xFF, Arrays.copyOfRange(frame, 1, length - 2));
            }
        };
    }

    /** The length of the RTU request at the start of {@code buf}, or -1 while too little has arrived to tell. */
    private static int requestLength(byte[] buf) {
        if (buf.length < 2) {
            return -1;
        }
        int function = buf[1] & 0xFF;
        if (function == 15 || function == 16) {
            return buf.length < 7 ? -1 : 7 + (buf[6] & 0xFF) + 2;
        }
        return 8;
    }

    private byte[] rtuAnswer(int unitId, byte[] pdu) {
        Unit unit = units.get(unitId);
        if (unit == null) {
            return null; // Nobody with this unit id on the bus.
        }
        requests.incrementAndGet();
        Behaviour behaviour = unit.behaviour;
        if (behaviour instanceof Silent) {
            return null;
        }
        byte[] answer = behaviour instanceof Fails f ? exception(pdu[0], f.code()) : process(unit, pdu);
        byte[] frame = new byte[answer.length + 3];
        frame[0] = (byte) unitId;
        System.arraycopy(answer, 0, frame, 1, answer.length);
        int crc = crc(frame, answer.length + 1);
        if (behaviour instanceof BadCrc) {
            crc ^= 0x5A5A;
        }
        frame[frame.length - 2] = (byte) crc;
        frame[frame.length - 1] = (byte) (crc >> 8);
        if (behaviour instanceof GarbageAfter) {
            byte[] noisy = Arrays.copyOf(frame, frame.length + 5);
            System.arraycopy(new byte[] {(byte) 0xFF, 0x00, (byte) 0xA5, 0x13, 0x37}, 0, noisy, frame.length, 5);
            return noisy;
        }
        return frame;
    }

    /** CRC-16/MODBUS (polynomial 0xA001 reflected, start 0xFFFF); sent low byte first. */
    static int crc(byte[] data, int length) {
        int crc = 0xFFFF;
        for (int i = 0; i < length; i++) {
            crc ^= data[i] & 0xFF;
            for (int b = 0; b < 8; b++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xA001 : crc >>> 1;
            }
        }
        return crc;
    }

    // ---- TCP ----

    /** Serves Modbus TCP on 127.0.0.1 on a free port, which it returns. */
    public synchronized int serveTcp() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    connections.add(socket);
                    Thread t = new Thread(() -> serve(socket), "modbus-tcp-slave");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "modbus-tcp-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return server.getLocalPort();
    }

    /** Closes every open TCP connection from the device's side, as a device that restarts does. */
    public void closeTcpConnections() throws IOException {
        for (Socket s : connections) {
            s.close();
        }
        connections.clear();
    }

    private void serve(Socket socket) {
        try (socket; DataInputStream in = new DataInputStream(socket.getInputStream()); OutputStream out = socket.getOutputStream()) {
            byte[] header = new byte[7];
            while (true) {
                in.readFully(header);
                int length = ((header[4] & 0xFF) << 8) | (header[5] & 0xFF);
                byte[] pdu = new byte[length - 1];
                in.readFully(pdu);
                Unit unit = units.get(header[6] & 0xFF);
                requests.incrementAndGet();
                if (unit == null || unit.behaviour instanceof Silent) {
                    continue;
                }
                byte[] answer = unit.behaviour instanceof Fails f ? exception(pdu[0], f.code()) : process(unit, pdu);
                byte[] frame = new byte[7 + answer.length];
                System.arraycopy(header, 0, frame, 0, 4);
                frame[4] = (byte) ((answer.length + 1) >> 8);
                frame[5] = (byte) (answer.length + 1);
                frame[6] = header[6];
                System.arraycopy(answer, 0, frame, 7, answer.length);
                out.write(frame);
                out.flush();
            }
        } catch (IOException e) {
            // The master or the test closed the connection.
        }
    }

    // ---- the protocol data unit, the same on both ----

    private static byte[] exception(byte function, int code) {
        return new byte[] {(byte) (function | 0x80), (byte) code};
    }

    private static byte[] process(Unit unit, byte[] pdu) {
        int function = pdu[0] & 0xFF;
        int address = word(pdu, 1);
        int count = word(pdu, 3);
        switch (function) {
            case 1, 2 -> {
                if (count < 1 || count > 2000 || address + count > 65536) {
                    return exception(pdu[0], 2);
                }
                boolean[] table = function == 1 ? unit.coils : unit.discrete;
                byte[] out = new byte[2 + (count + 7) / 8];
                out[0] = (byte) function;
                out[1] = (byte) ((count + 7) / 8);
                for (int i = 0; i < count; i++) {
                    if (table[address + i]) {
                        out[2 + i / 8] |= (byte) (1 << (i % 8));
                    }
                }
                return out;
            }
            case 3, 4 -> {
                if (count < 1 || count > 125 || address + count > 65536) {
                    return exception(pdu[0], 2);
                }
                int[] table = function == 3 ? unit.holding : unit.input;
                byte[] out = new byte[2 + 2 * count];
                out[0] = (byte) function;
                out[1] = (byte) (2 * count);
                for (int i = 0; i < count; i++) {
                    out[2 + 2 * i] = (byte) (table[address + i] >> 8);
                    out[3 + 2 * i] = (byte) table[address + i];
                }
                return out;
            }
            case 5 -> {
                unit.coils[address] = count == 0xFF00;
                return Arrays.copyOf(pdu, 5);
            }
            case 6 -> {
                unit.holding[address] = count;
                return Arrays.copyOf(pdu, 5);
            }
            case 16 -> {
                for (int i = 0; i < count; i++) {
                    unit.holding[address + i] = word(pdu, 6 + 2 * i);
                }
                return Arrays.copyOf(pdu, 5);
            }
            default -> {
                return exception(pdu[0], 1);
            }
        }
    }

    private static int word(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    @Override
    public synchronized void close() throws IOException {
        if (server != null) {
            server.close();
        }
        closeTcpConnections();
    }
}
