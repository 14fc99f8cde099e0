package org.xmppiot.gateway.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import org.xmppiot.drivers.ble.BleScan;

/** {@code ble-scan}: the Bluetooth LE sensors in range that the gateway can read, with their values, to write the configuration. */
@Command(name = "ble-scan", description = "List Bluetooth LE sensors in range (BTHome, RuuviTag, ATC/pvvx) with their addresses and values.")
final class BleScanCommand implements Callable<Integer> {

    @Option(names = "--seconds", defaultValue = "10", description = "How long to listen (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--adapter", description = "The adapter, e.g. hci1 (default: the first).")
    String adapter;

    @Option(names = "--dbus-address", hidden = true, description = "Another bus than the system bus (tests).")
    String busAddress;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        BleScan.Result r = BleScan.scan(busAddress, adapter, Duration.ofSeconds(Math.max(1, seconds)));
        if (r.notScanning() != null && r.devices().isEmpty()) {
            spec.commandLine().getErr().println("Cannot scan: " + r.notScanning()
                    + ". Is bluetoothd running (systemctl status bluetooth), and is this user in the bluetooth group?");
            return ExitCodes.RUNTIME_FAILURE;
        }
        if (r.devices().isEmpty()) {
            out.println("no BTHome, RuuviTag or ATC/pvvx sensor heard in " + seconds + " s");
            return ExitCodes.OK;
        }
        for (BleScan.Device d : r.devices()) {
            out.printf("%s  %4s dBm  %-20s %s%n", d.mac(), d.rssi() == null ? "?" : d.rssi(), d.format(), d.values());
        }
        return ExitCodes.OK;
    }
}
