package org.xmppiot.gateway.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The Java runtime, and who the process runs as: its user and groups, against the groups devices belong to. */
final class RuntimeChecks {

    /** The groups Raspberry Pi OS gives serial ports, GPIO chips and I2C buses to. */
    static final List<String> DEVICE_GROUPS = List.of("dialout", "gpio", "i2c");

    private final Path root;

    RuntimeChecks(Path root) {
        this.root = root;
    }

    Finding java() {
        Runtime.Version v = Runtime.version();
        String what = System.getProperty("java.vm.name") + " " + v + " (" + System.getProperty("java.vendor") + "), heap up to "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB";
        if (v.feature() < 17) {
            return Finding.fail("java", what, "install Java 17 or newer: sudo apt install default-jre-headless");
        }
        return Finding.ok("java", what);
    }

    /** The user and its groups; a warning for each device group this system has that the user is not in. */
    List<Finding> user(String serviceUser) {
        String user = System.getProperty("user.name");
        Set<String> groups = processGroups();
        List<Finding> findings = new ArrayList<>();
        findings.add(Finding.ok("user", user + ", groups " + String.join(" ", groups)));
        if (isRoot()) {
            findings.add(Finding.warn("user", "running as root, which may open every device; the service runs as " + serviceUser,
                    "check the service's own access: sudo -u " + serviceUser + " xmpp-iot-gateway doctor"));
            return findings;
        }
        for (String group : DEVICE_GROUPS) {
            if (groupExists(group) && !groups.contains(group)) {
                findings.add(Finding.warn("groups", user + " is not in the " + group + " group, which owns "
                        + (group.equals("dialout") ? "serial ports" : group.equals("gpio") ? "GPIO chips" : "I2C buses"),
                        "sudo usermod -aG " + group + " " + user + ", then restart the gateway"));
            }
        }
        return findings;
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The process's groups by name, from /proc/self/status (what the kernel grants) and /etc/group. */
    Set<String> processGroups() {
        Set<String> names = new LinkedHashSet<>();
        try {
            List<String> etcGroup = Files.readAllLines(root.resolve("etc/group"));
            for (String line : Files.readAllLines(root.resolve("proc/self/status"))) {
                if (line.startsWith("Gid:")) {
                    names.add(groupName(etcGroup, line.substring(4).trim().split("\\s+")[0]));
                }
                if (line.startsWith("Groups:")) {
                    for (String gid : line.substring(7).trim().split("\\s+")) {
                        if (!gid.isEmpty()) {
                            names.add(groupName(etcGroup, gid));
                        }
                    }
                }
            }
        } catch (IOException e) {
            names.add("(unknown: " + e.getMessage() + ")");
        }
        return names;
    }

    boolean groupExists(String name) {
        try {
            return Files.readAllLines(root.resolve("etc/group")).stream().anyMatch(l -> l.startsWith(name + ":"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String groupName(List<String> etcGroup, String gid) {
        for (String line : etcGroup) {
            String[] parts = line.split(":", -1);
            if (parts.length > 2 && parts[2].equals(gid)) {
                return parts[0];
            }
        }
        return gid;
    }
}
