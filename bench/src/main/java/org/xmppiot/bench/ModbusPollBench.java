package org.xmppiot.bench;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.config.YamlConfigReader;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.Driver;
import org.xmppiot.drivers.modbus.ModbusDriverFactory;
import org.xmppiot.simulators.modbus.PymodbusSlave;

/**
 * Modbus TCP polls per second: the gateway's Modbus driver against a pymodbus client, polling the same pymodbus slave
 * in the same run, one after the other. Both read 20 input registers (ten float32 values, an SDM630's first block)
 * one request at a time on one connection, as fast as the slave answers: the gateway with many things on one TCP
 * link, each asking every 50 ms, so requests always wait; pymodbus in a loop.
 */
final class ModbusPollBench {

    record Result(double gatewayPollsPerSecond, double pymodbusPollsPerSecond, int things, double seconds) {
        String describe() {
            return String.format(Locale.ROOT, "gateway %.0f polls/s (%d things on one link, each every 50 ms: %d/s asked), pymodbus client %.0f polls/s, "
                    + "gateway/pymodbus %.2f; %.0f s each against the same pymodbus slave", gatewayPollsPerSecond, things, things * 20,
                    pymodbusPollsPerSecond, gatewayPollsPerSecond / pymodbusPollsPerSecond, seconds);
        }
    }

    private static final Duration WINDOW = Duration.ofSeconds(10);
    private static final int THINGS = 250;

    private final Path work;
    private final Path pollScript;

    ModbusPollBench(Path work, Path pollScript) {
        this.work = work;
        this.pollScript = pollScript;
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "bench/work/modbus");
        System.out.println(new ModbusPollBench(work, Path.of("bench/peers/pymodbus/poll.py")).run().describe());
    }

    Result run() throws Exception {
        Files.createDirectories(work);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> registers = new ArrayList<>(List.of("--tcp", Integer.toString(port), "--unit", "1"));
        for (int i = 0; i < 10; i++) {
            registers.addAll(List.of("--input-float", (2 * i) + "=" + (230 + i) + ".5"));
        }
        try (PymodbusSlave slave = PymodbusSlave.start(work, registers)) {
            double gateway = gatewayPolls(port);
            String out = CommandOutput.of("/usr/bin/python3", pollScript.toString(), "127.0.0.1", Integer.toString(port), "1", "0", "20",
                    Long.toString(WINDOW.toSeconds()));
            List<String> lines = out.lines().toList();
            double pymodbus;
            try {
                pymodbus = Long.parseLong(lines.get(lines.size() - 1).trim()) / (double) WINDOW.toSeconds();
            } catch (RuntimeException e) {
                throw new IllegalStateException("the pymodbus client failed: " + out, e);
            }
            Result r = new Result(gateway, pymodbus, THINGS, WINDOW.toSeconds());
            System.out.println("   " + r.describe());
            return r;
        }
    }

    private double gatewayPolls(int port) throws Exception {
        StringBuilder map = new StringBuilder("registers:\n");
        for (int i = 0; i < 10; i++) {
            map.append("  - { name: v").append(i).append(", table: input, address: ").append(2 * i).append(", type: float32, unit: V, decimals: 1 }\n");
        }
        AtomicLong polls = new AtomicLong();
        List<Driver> drivers = new ArrayList<>();
        ModbusDriverFactory factory = new ModbusDriverFactory();
        try {
            for (int i = 0; i < THINGS; i++) {
                String id = "meter" + i;
                drivers.add(factory.create(new ThingConfig(id, id, "modbus", YamlConfigReader.read("bench.yaml",
                        "id: " + id + "\ndriver: modbus\nhost: 127.0.0.1\ntcp-port: " + port + "\nunit: 1\npoll-interval: 50ms\n" + map))));
            }
            for (Driver d : drivers) {
                d.start((Reading r) -> polls.incrementAndGet());
            }
            Thread.sleep(3000); // warm-up: connection made, JIT compiled
            long from = polls.get();
            long start = System.nanoTime();
            Thread.sleep(WINDOW.toMillis());
            return (polls.get() - from) / ((System.nanoTime() - start) / 1e9);
        } finally {
            drivers.forEach(Driver::close);
        }
    }
}
