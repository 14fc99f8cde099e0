package org.xmppiot.gateway.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import org.xmppiot.drivers.serial.SerialPortListing;

import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ports}: the serial ports of this machine, with the stable names to put in the configuration. */
@Command(name = "ports", description = "List serial ports with their stable /dev/serial/by-id names (use those as port:).")
final class PortsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<SerialPortListing.Port> ports = SerialPortListing.list();
        if (ports.isEmpty()) {
            out.println("no serial ports found (USB adapters show up as /dev/ttyUSB* or /dev/ttyACM* when plugged in)");
            return ExitCodes.OK;
        }
        for (SerialPortListing.Port p : ports) {
            out.println(p.device() + (p.description().isEmpty() ? "" : "  " + p.description()));
            for (String name : p.stableNames()) {
                out.println("    " + name);
            }
        }
        return ExitCodes.OK;
    }
}
