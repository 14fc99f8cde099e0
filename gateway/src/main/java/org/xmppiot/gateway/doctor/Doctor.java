package org.xmppiot.gateway.doctor;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.gateway.config.GatewayConfig;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.core.spi.DriverRegistry;

/**
 * {@code doctor}: everything the gateway needs from the machine it runs on and from its server, checked in the
 * order the gateway needs it, each with what to do when it is wrong.
 */
public final class Doctor {

    /** The user the packaged service runs as. */
    public static final String SERVICE_USER = "xmpp-iot-gateway";

    private final Path configFile;
    private final DriverRegistry drivers;
    private final Path root;
    private boolean configValid;

    public Doctor(Path configFile, DriverRegistry drivers) {
        this(configFile, drivers, Path.of("/"));
    }

    /** {@code root}: where /etc, /proc and /run are; another root only for tests. */
    Doctor(Path configFile, DriverRegistry drivers, Path root) {
        this.configFile = configFile;
        this.drivers = drivers;
        this.root = root;
    }

    public List<Finding> run() {
        RuntimeChecks runtime = new RuntimeChecks(root);
        List<Finding> findings = new ArrayList<>();
        findings.add(runtime.java());
        findings.addAll(runtime.user(SERVICE_USER));
        findings.add(new ClockCheck(root, buildDate()).check());
        GatewayConfig config;
        try {
            config = GatewayConfigLoader.load(configFile, drivers);
            configValid = true;
        } catch (ConfigException e) {
            // The password file (and often the configuration) is readable only by the service's user.
            // notExists is false also when the directory may not be searched, which is the case to catch here.
            boolean notAllowed = e.getMessage().contains("permission denied") || !Files.isReadable(configFile) && !Files.notExists(configFile);
            findings.add(Finding.fail("config", e.getMessage(), notAllowed
                    ? "run doctor as the gateway's user: sudo -u " + SERVICE_USER + " xmpp-iot-gateway doctor"
                    : "correct the file; `xmpp-iot-gateway check-config` shows the same"));
            return findings;
        }
        findings.add(Finding.ok("config", configFile + ": " + config.things().size() + " things, account " + config.xmpp().jid()));
        findings.addAll(new LocalChecks().check(config));
        findings.addAll(new DeviceChecks(drivers).check(config));
        findings.addAll(new ServerChecks(config.xmpp()).check());
        return findings;
    }

    /** Whether the configuration could be read; without it the later checks did not run. */
    public boolean configValid() {
        return configValid;
    }

    /** The Build-Date of the application's jar, or null when running from classes (tests, IDE). */
    static LocalDate buildDate() {
        try {
            Path location = Path.of(Doctor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(location)) {
                return null;
            }
            try (JarFile jar = new JarFile(location.toFile())) {
                String date = jar.getManifest() == null ? null : jar.getManifest().getMainAttributes().getValue("Build-Date");
                return date == null ? null : LocalDate.parse(date.substring(0, 10));
            }
        } catch (IOException | URISyntaxException | RuntimeException e) { // a date it cannot parse included
            return null;
        }
    }
}
