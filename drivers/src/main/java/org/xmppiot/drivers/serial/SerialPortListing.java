package org.xmppiot.drivers.serial;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fazecast.jSerialComm.SerialPort;

/**
 * The serial ports of this machine with their stable names: a /dev/ttyUSB number changes from boot
 * to boot and plug to plug, a /dev/serial/by-id name does not, so that is the one to configure.
 */
public final class SerialPortListing {

    /** One port: its device path, what the system says it is, and the stable names pointing to it. */
    public record Port(String device, String description, List<String> stableNames) {
    }

    private SerialPortListing() {
    }

    /** The ports jSerialComm sees, plus anything /dev/serial/by-id points to. */
    public static List<Port> list() throws IOException {
        Map<String, String> descriptions = new TreeMap<>();
        for (SerialPort p : SerialPort.getCommPorts()) {
            descriptions.put(p.getSystemPortPath(), p.getPortDescription());
        }
        return list(Path.of("/dev/serial/by-id"), descriptions);
    }

    static List<Port> list(Path byIdDir, Map<String, String> descriptions) throws IOException {
        Map<String, List<String>> names = new TreeMap<>();
        descriptions.keySet().forEach(d -> names.put(d, new ArrayList<>()));
        if (Files.isDirectory(byIdDir)) {
            try (DirectoryStream<Path> links = Files.newDirectoryStream(byIdDir)) {
                for (Path link : links) {
                    if (Files.isSymbolicLink(link) && Files.exists(link)) {
                        String device = link.toRealPath().toString();
                        names.computeIfAbsent(device, d -> new ArrayList<>()).add(link.toString());
                    }
                }
            }
        }
        List<Port> ports = new ArrayList<>();
        names.forEach((device, stable) -> {
            stable.sort(null);
            ports.add(new Port(device, descriptions.getOrDefault(device, ""), List.copyOf(stable)));
        });
        return ports;
    }
}
