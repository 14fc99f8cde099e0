package org.xmppiot.gateway.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.gateway.config.GatewayConfig;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.spi.DeviceProbe;
import org.xmppiot.core.spi.DeviceUse;
import org.xmppiot.core.spi.DriverRegistry;

/** Each device file a configured thing opens: there, and open to this process for reading (and writing). */
final class DeviceChecks {

    private final DriverRegistry drivers;

    DeviceChecks(DriverRegistry drivers) {
        this.drivers = drivers;
    }

    List<Finding> check(GatewayConfig config) {
        List<Finding> findings = new ArrayList<>();
        for (ThingConfig thing : config.things()) {
            List<DeviceUse> uses;
            try {
                uses = drivers.factoryOf(thing).devices(thing);
            } catch (ConfigException e) {
                findings.add(Finding.fail("device", thing.id() + ": " + e.getMessage(), "fix the configuration"));
                continue;
            }
            boolean filesOk = true;
            for (DeviceUse use : uses) {
                Finding finding = check(thing.id(), use);
                filesOk &= finding.status() != Finding.Status.FAIL;
                findings.add(finding);
            }
            if (filesOk) {
                findings.addAll(probe(thing));
            }
        }
        if (findings.isEmpty()) {
            findings.add(Finding.ok("devices", "no configured thing opens a device file"));
        }
        return findings;
    }

    /** Asks each device whether it answers (a Modbus unit id, for one); only once its files are there. */
    private List<Finding> probe(ThingConfig thing) {
        List<Finding> findings = new ArrayList<>();
        List<DeviceProbe> probes;
        try {
            probes = drivers.factoryOf(thing).probes(thing);
        } catch (ConfigException e) {
            return List.of(Finding.fail("device", thing.id() + ": " + e.getMessage(), "fix the configuration"));
        }
        for (DeviceProbe probe : probes) {
            try {
                findings.add(Finding.ok("device", probe.what() + " " + probe.run()));
            } catch (Exception e) {
                findings.add(Finding.fail("device", probe.what() + ": " + e.getMessage(),
                        "check the wiring (A and B swapped?), power, unit id, baud rate and parity; or the address and that nothing else holds the port"));
            }
        }
        return findings;
    }

    static Finding check(String thing, DeviceUse use) {
        Path path = use.path();
        String what = thing + ": " + use.what() + " " + path;
        if (!Files.exists(path)) {
            return Finding.fail("device", what + " does not exist", use.ifMissing());
        }
        boolean readable = Files.isReadable(path);
        boolean writable = !use.write() || Files.isWritable(path);
        if (readable && writable) {
            return Finding.ok("device", what + (use.write() ? " (read and write)" : " (read)"));
        }
        String user = System.getProperty("user.name");
        try {
            PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class);
            String owner = "owner " + a.owner().getName() + ", group " + a.group().getName() + ", "
                    + PosixFilePermissions.toString(a.permissions());
            String group = a.group().getName();
            String fix = "root".equals(group)
                    ? "only root may open it: a udev rule has to give it to a group (Raspberry Pi OS gives GPIO to gpio, I2C to i2c)"
                    : "sudo usermod -aG " + group + " " + user + ", then restart the gateway (group changes apply to new processes)";
            return Finding.fail("device", what + ": permission denied for " + user + " (" + owner + ")", fix);
        } catch (IOException e) {
            return Finding.fail("device", what + ": permission denied for " + user + " (" + e.getMessage() + ")",
                    "give " + user + " read" + (use.write() ? " and write" : "") + " access to it");
        }
    }
}
