package org.xmppiot.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged command as users run it: {@code java -jar xmpp-iot-gateway.jar}, with lib/ beside it. */
class PackagedCommandIT {

    private static final Path JAR = Path.of("target", "xmpp-iot-gateway.jar");

    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {
    }

    private Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("command did not finish: " + command);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void printsItsVersionAndUsage() throws Exception {
        Result version = run("--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out().strip()).matches("xmpp-iot-gateway \\d+\\.\\d+\\.\\d+.*");
        Result help = run("--help");
        assertThat(help.out()).contains("run", "check-config", "watch", "ports", "demo");
    }

    @Test
    void checkConfigOnABrokenFilePrintsOneLineWithLineAndKey() throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, "xmpp:\n  jid: gw@example.org\n  password-file: pw\n  tls: sometimes\n");
        Files.writeString(dir.resolve("pw"), "secret");
        Result r = run("check-config", "--config", file.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines().toList()).containsExactly(
                file + ":4:3: xmpp.tls: 'sometimes' is not allowed; use one of: required, disabled");
    }

    @Test
    void runWithAMissingConfigFileSaysSoAndExits() throws Exception {
        Result r = run("run", "--config", dir.resolve("absent.yaml").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo(dir.resolve("absent.yaml") + ": no such file");
    }
}
