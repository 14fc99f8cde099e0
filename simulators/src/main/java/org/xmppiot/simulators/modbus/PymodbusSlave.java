package org.xmppiot.simulators.modbus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.xmppiot.simulators.WatchedProcess;

/**
 * A Modbus slave run by Debian's python3-pymodbus: an implementation independent of ours, so that a test or the
 * benchmark does not check our driver against our own idea of the protocol. Stopped by {@link #close}, by PID.
 */
public final class PymodbusSlave implements AutoCloseable {

    /** Debian's interpreter, which has python3-pymodbus; another python3 on the PATH may not. */
    private static final String PYTHON = "/usr/bin/python3";

    private final Process process;
    private final Path log;

    private PymodbusSlave(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts the slave with {@code arguments} (see pymodbus-slave.py: {@code --rtu PATH} or {@code --tcp PORT}, units,
     * registers) and waits until it serves. {@code dir} holds the script and its log.
     */
    public static PymodbusSlave start(Path dir, List<String> arguments) throws IOException, InterruptedException {
        Path script = dir.resolve("pymodbus-slave.py");
        try (InputStream in = PymodbusSlave.class.getResourceAsStream("pymodbus-slave.py")) {
            Files.write(script, in.readAllBytes());
        }
        Path log = dir.resolve("pymodbus-slave.log");
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString()));
        command.addAll(arguments);
        Process p = WatchedProcess.start(command, log, null);
        PymodbusSlave slave = new PymodbusSlave(p, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!slave.output().contains("ready")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                slave.close();
                throw new IOException("pymodbus slave did not start (apt-get install python3-pymodbus): " + slave.output());
            }
            Thread.sleep(20);
        }
        return slave;
    }

    public String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() {
        WatchedProcess.stop(process, 5);
    }
}
