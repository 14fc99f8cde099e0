package org.xmppiot.gateway.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.gateway.doctor.Doctor;
import org.xmppiot.gateway.doctor.Finding;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code doctor}: checks the machine, the devices, the configuration and the way to the server; prints what to fix. */
@Command(name = "doctor", description = "Check Java, user and groups, device access, the configuration, DNS SRV, TLS, "
        + "the login and the clock; print what to fix. Run it as the gateway's user: sudo -u xmpp-iot-gateway xmpp-iot-gateway doctor")
final class DoctorCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("xmpp-iot-gateway doctor: " + config.file + ", as " + System.getProperty("user.name"));
        Doctor doctor = new Doctor(config.file, DriverRegistry.fromClassPath());
        List<Finding> findings = doctor.run();
        for (Finding f : findings) {
            out.printf(Locale.ROOT, "%-5s %-8s %s%n", f.status() == Finding.Status.OK ? "ok" : f.status().name(), f.topic(), f.detail());
            if (f.fix() != null && f.status() != Finding.Status.OK) {
                out.printf(Locale.ROOT, "%14s %s%n", "fix:", f.fix());
            }
        }
        long failed = findings.stream().filter(f -> f.status() == Finding.Status.FAIL).count();
        long warned = findings.stream().filter(f -> f.status() == Finding.Status.WARN).count();
        out.println(failed == 0 && warned == 0 ? "All checks passed."
                : failed + " problem" + (failed == 1 ? "" : "s") + ", " + warned + " warning" + (warned == 1 ? "" : "s") + ".");
        if (!doctor.configValid()) {
            return ExitCodes.BAD_CONFIG;
        }
        return failed == 0 ? ExitCodes.OK : ExitCodes.RUNTIME_FAILURE;
    }
}
