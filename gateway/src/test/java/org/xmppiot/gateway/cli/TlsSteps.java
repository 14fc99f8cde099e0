package org.xmppiot.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.testing.ProsodyExtension;

/** Shared steps of the TLS tests: a gateway config with TLS on, and the sentence a refused connection ends in. */
final class TlsSteps {

    private TlsSteps() {
    }

    static final String THING = "access:\n  readers: [ reader@localhost ]\n"
            + "things:\n  - { id: t, driver: simulated, interval: 100ms, fields: [ { name: v } ] }\n";

    static Path tlsConfig(ProsodyExtension prosody, Path dir, String extra) throws Exception {
        Path config = prosody.writeConfig(dir, "gateway", THING);
        Files.writeString(config, Files.readString(config).replace("  tls: disabled\n", "  tls: required\n" + extra));
        return config;
    }

    static String lastFailureOf(Path config) throws Exception {
        DriverRegistry drivers = DriverRegistry.fromClassPath();
        try (Gateway gateway = new Gateway(GatewayConfigLoader.load(config, drivers), drivers)) {
            gateway.start();
            Await.until("the uplink to connect or fail", () -> gateway.uplink().lastFailure() != null || gateway.uplink().isReady());
            assertThat(gateway.uplink().isReady()).as("connected despite a certificate it must refuse").isFalse();
            return gateway.uplink().lastFailure();
        }
    }
}
