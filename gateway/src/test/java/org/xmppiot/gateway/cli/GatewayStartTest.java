package org.xmppiot.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A thing that cannot start stops the gateway with one sentence naming the thing and the reason. */
class GatewayStartTest {

    @TempDir
    Path dir;

    @Test
    void gpioPinsOnAMachineThatIsNotAPiAreRefusedClearly() throws Exception {
        Files.writeString(dir.resolve("pw"), "secret\n");
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, """
                xmpp:
                  jid: gw@localhost
                  password-file: pw
                  server: 127.0.0.1
                  port: 1
                  tls: disabled
                store:
                  path: readings.db
                things:
                  - id: shed
                    driver: gpio
                    inputs: [ { name: door, pin: 17, pull: up } ]
                """);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"run", "-c", config.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).isEqualTo(ExitCodes.RUNTIME_FAILURE);
        assertThat(err.toString().strip()).startsWith("xmpp-iot-gateway: thing 'shed' cannot start: this machine is not a Raspberry Pi")
                .contains("platform: mock").doesNotContain("Exception");
    }
}
