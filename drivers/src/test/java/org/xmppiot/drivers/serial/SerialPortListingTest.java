package org.xmppiot.drivers.serial;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SerialPortListingTest {

    @TempDir
    Path dir;

    @Test
    void portsCarryTheirStableByIdNames() throws Exception {
        Path dev = Files.createDirectories(dir.resolve("dev"));
        Path usb0 = Files.createFile(dev.resolve("ttyUSB0"));
        Path acm0 = Files.createFile(dev.resolve("ttyACM0"));
        Path byId = Files.createDirectories(dir.resolve("by-id"));
        Files.createSymbolicLink(byId.resolve("usb-FTDI_FT232R_A1B2C3-if00-port0"), usb0);
        Files.createSymbolicLink(byId.resolve("usb-Arduino_Uno_7543-if00"), acm0);
        Files.createSymbolicLink(byId.resolve("usb-gone-if00"), dev.resolve("ttyUSB9"));

        List<SerialPortListing.Port> ports = SerialPortListing.list(byId,
                Map.of(usb0.toRealPath().toString(), "FT232R USB UART", "/dev/ttyAMA0", "Physical Port AMA0"));

        assertThat(ports).containsExactly(
                new SerialPortListing.Port("/dev/ttyAMA0", "Physical Port AMA0", List.of()),
                new SerialPortListing.Port(acm0.toRealPath().toString(), "", List.of(byId.resolve("usb-Arduino_Uno_7543-if00").toString())),
                new SerialPortListing.Port(usb0.toRealPath().toString(), "FT232R USB UART",
                        List.of(byId.resolve("usb-FTDI_FT232R_A1B2C3-if00-port0").toString())));
    }

    @Test
    void noByIdDirectoryIsNoError() throws Exception {
        assertThat(SerialPortListing.list(dir.resolve("absent"), Map.of())).isEmpty();
    }
}
