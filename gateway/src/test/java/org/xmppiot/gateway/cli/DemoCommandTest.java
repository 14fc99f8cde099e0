package org.xmppiot.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The README's first command: a throwaway server, the gateway and a watcher, all stopped at the end. */
class DemoCommandTest {

    @Test
    void showsReadingsOfBothThingsAtTheWatcherAndStopsEverythingItStarted() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long start = System.nanoTime();
        int exit = Main.run(new String[] {"demo", "--seconds", "6"}, new PrintWriter(out, true), new PrintWriter(err, true));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(exit).as(err.toString()).isZero();

        List<String> lines = out.toString().lines().toList();
        assertThat(lines).anyMatch(l -> l.matches("watcher: \\S+Z greenhouse temperature=\\d+\\.\\d °C humidity=\\d+ %"));
        assertThat(lines).anyMatch(l -> l.matches("watcher: \\S+Z water-tank level=\\d+\\.\\d cm pump=(true|false)"));
        // Six seconds at one reading a second per thing: several of each must have arrived.
        assertThat(lines.stream().filter(l -> l.contains(" greenhouse temperature=")).count()).isGreaterThanOrEqualTo(3);
        System.out.printf("demo ran %.1f s with %d readings at the watcher%n", seconds, lines.size());

        Matcher pid = Pattern.compile("Prosody pid=(\\d+)").matcher(err.toString());
        assertThat(pid.find()).as(err.toString()).isTrue();
        Optional<ProcessHandle> server = ProcessHandle.of(Long.parseLong(pid.group(1)));
        assertThat(server.map(ProcessHandle::isAlive).orElse(false)).as("Prosody still running after the demo").isFalse();
        Matcher config = Pattern.compile("gateway configuration (\\S+):").matcher(err.toString());
        assertThat(config.find()).isTrue();
        assertThat(Files.exists(Path.of(config.group(1)))).as("demo files left behind").isFalse();
        assertThat(err.toString()).contains("demo: stopped the gateway and Prosody");
    }

    @Test
    void withSerialTheSecondThingIsADeviceOnAPseudoTerminal() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new String[] {"demo", "--serial", "--seconds", "6"}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(exit).as(err.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).anyMatch(l -> l.matches("watcher: \\S+Z workbench temperature=\\d+\\.\\d °C light=\\d+ lx"));
        assertThat(lines).anyMatch(l -> l.contains(" greenhouse "));
        assertThat(err.toString()).contains("driver: serial");
        Matcher port = Pattern.compile("port: (/\\S+ttyUSB-sim)").matcher(err.toString());
        assertThat(port.find()).as(err.toString()).isTrue();
        assertThat(Files.exists(Path.of(port.group(1)))).as("pseudo-terminal left behind").isFalse();
    }

    @Test
    void withTlsTheServerRequiresEncryptionAndBothAccountsVerifyItsCertificate() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new String[] {"demo", "--tls", "--seconds", "6"}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(exit).as(err.toString()).isZero();
        // The server refuses clients that do not encrypt: readings at the watcher mean both accounts logged in over TLS.
        assertThat(out.toString().lines()).anyMatch(l -> l.matches("watcher: \\S+Z greenhouse temperature=\\d+\\.\\d °C humidity=\\d+ %"));
        // The configuration it printed: TLS required, verified against the throwaway CA, which is gone afterwards.
        assertThat(err.toString()).contains("tls: required").doesNotContain("tls: disabled");
        Matcher ca = Pattern.compile("ca-file: (/\\S+)").matcher(err.toString());
        assertThat(ca.find()).as(err.toString()).isTrue();
        assertThat(Files.exists(Path.of(ca.group(1)))).as("throwaway CA left behind").isFalse();
    }
}
