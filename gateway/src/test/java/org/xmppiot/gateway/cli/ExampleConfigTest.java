package org.xmppiot.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.gateway.config.GatewayConfig;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.config.XmppConfig;
import org.xmppiot.core.spi.DriverRegistry;

/** The example in docs/ is what users copy: it must stay valid and mean what its comments say. */
class ExampleConfigTest {

    @TempDir
    Path dir;

    @Test
    void theDocumentedExampleIsValid() throws Exception {
        Path example = dir.resolve("gateway.yaml");
        Files.copy(Path.of("..", "docs", "gateway.example.yaml"), example);
        Files.writeString(dir.resolve("gateway.password"), "example\n");
        GatewayConfig c = GatewayConfigLoader.load(example, DriverRegistry.fromClassPath());
        assertThat(c.xmpp().tls()).isEqualTo(XmppConfig.TlsMode.REQUIRED);
        assertThat(c.xmpp().server()).isNull();
        assertThat(c.xmpp().pubsub().nodeFor("greenhouse")).isEqualTo("greenhouse-site/greenhouse");
        assertThat(c.access().everyone()).containsExactly("alice@example.org", "bob@example.org", "dashboard@example.org");
        assertThat(c.things()).extracting(t -> t.driver()).containsExactly("simulated", "serial", "gpio", "bme280", "onewire", "modbus", "ble");
        assertThat(c.http().enabled()).isTrue();
        assertThat(c.http().bind()).isEqualTo("127.0.0.1");
    }
}
