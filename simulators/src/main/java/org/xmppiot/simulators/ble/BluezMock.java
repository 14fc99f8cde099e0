package org.xmppiot.simulators.ble;

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
 * BlueZ as python3-dbusmock's bluez5 template plays it, on a private D-Bus started here (dbus-daemon), for tests:
 * adapters appear and go, devices appear and advertise service data or manufacturer data, BlueZ itself stops and
 * comes back. No radio is needed. Everything it starts is stopped by {@link #close}, by PID.
 */
public final class BluezMock implements AutoCloseable {

    private static final String PYTHON = "/usr/bin/python3";

    private final Path dir;
    private final String address;
    private final Process bus;
    private final Path control;
    private Process bluez;

    private BluezMock(Path dir, String address, Process bus, Path control) {
        this.dir = dir;
        this.address = address;
        this.bus = bus;
        this.control = control;
    }

    /** Starts a private bus in {@code dir} and BlueZ on it, without adapters. Needs dbus-daemon and python3-dbusmock. */
    public static BluezMock start(Path dir) throws IOException, InterruptedException {
        Path socket = dir.resolve("bus");
        String address = "unix:path=" + socket;
        Process bus = WatchedProcess.start(List.of(WatchedProcess.executable("dbus-daemon", "dbus-daemon").toString(), "--session", "--nofork",
                "--address=" + address), dir.resolve("dbus-daemon.log"), null);
        waitFor(() -> Files.exists(socket), "the private D-Bus at " + socket);
        Path control = dir.resolve("bluez-control.py");
        try (InputStream in = BluezMock.class.getResourceAsStream("bluez-control.py")) {
            Files.write(control, in.readAllBytes());
        }
        BluezMock mock = new BluezMock(dir, address, bus, control);
        mock.startBluez();
        return mock;
    }

    /** The bus address to give the gateway (its {@code dbus-address:}). */
    public String address() {
        return address;
    }

    /** BlueZ (bluetoothd) comes back, without adapters, as after a restart. */
    public void startBluez() throws IOException, InterruptedException {
        Path log = dir.resolve("bluez-mock.log");
        // The template serves the system bus; here the system bus is the private one.
        bluez = WatchedProcess.start(List.of("env", "DBUS_SYSTEM_BUS_ADDRESS=" + address, PYTHON, "-m", "dbusmock", "--template", "bluez5"), log, null);
        waitFor(() -> {
            try {
                return run("add-adapter", "probe0").contains("/org/bluez/probe0") && run("remove-adapter", "probe0") != null;
            } catch (IOException e) {
                return false;
            }
        }, "BlueZ mocked by python3-dbusmock (apt-get install python3-dbusmock)");
    }

    /** BlueZ stops, as when bluetoothd is restarted or crashes. */
    public void stopBluez() {
        WatchedProcess.stop(bluez, 5);
    }

    public void addAdapter(String name) throws IOException {
        run("add-adapter", name);
    }

    public void removeAdapter(String name) throws IOException {
        run("remove-adapter", name);
    }

    public void addDevice(String adapter, String mac, String alias) throws IOException {
        run("add-device", adapter, mac, alias);
    }

    /** The device advertises {@code hex} as service data of the 16-bit UUID {@code uuid16} ("fcd2"). */
    public void serviceData(String adapter, String mac, int rssi, String uuid16, String hex) throws IOException {
        run("advertise", adapter, mac, Integer.toString(rssi), "service", uuid16, hex);
    }

    /** The device advertises {@code hex} as manufacturer data of company {@code company} ("0499"). */
    public void manufacturerData(String adapter, String mac, int rssi, String company, String hex) throws IOException {
        run("advertise", adapter, mac, Integer.toString(rssi), "manufacturer", company, hex);
    }

    /** {@code count} devices nobody configured appear and advertise {@code hex} as service data of {@code uuid16}. */
    public void flood(String adapter, int count, String uuid16, String hex) throws IOException {
        run("flood", adapter, Integer.toString(count), uuid16, hex);
    }

    private String run(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(PYTHON, control.toString(), address));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("bluez-control " + String.join(" ", args) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return out;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IOException("not ready within 30 s: " + what);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        WatchedProcess.stop(bluez, 5);
        WatchedProcess.stop(bus, 5);
    }
}
