package org.xmppiot.gateway.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.testing.ProsodyExtension;

/** What {@code watch} says when it cannot watch: the node name without its prefix, an account that may not read. */
class WatchSentencesTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway").withAccount("reader")
            .withAccount("stranger");

    @TempDir
    Path dir;

    @Test
    void aForgottenPrefixIsSuggestedAndAStrangerIsToldWhomToAsk() throws Exception {
        Gateway gateway = prosody.startGateway(dir, """
                    node-prefix: home/
                access:
                  readers: [ reader@localhost ]
                things:
                  - id: livingroom
                    driver: simulated
                    interval: 500ms
                    fields: [ { name: temperature, unit: C, waveform: constant, value: 21 } ]
                """);
        try (gateway) {
            try (ReadingWatcher reader = new ReadingWatcher(GatewayConfigLoader.loadXmpp(prosody.writeConfig(dir, "reader", "")), r -> { })) {
                assertThatThrownBy(() -> reader.start(List.of("livingroom")))
                        .hasMessage("Cannot watch node 'livingroom' on pubsub.localhost: item-not-found (no such node; did you mean home/livingroom?).");
            }
            try (ReadingWatcher stranger = new ReadingWatcher(GatewayConfigLoader.loadXmpp(prosody.writeConfig(dir, "stranger", "")), r -> { })) {
                assertThatThrownBy(() -> stranger.start(List.of("home/livingroom"))).satisfies(e -> assertThat(e.getMessage())
                        .startsWith("Cannot watch node 'home/livingroom' on pubsub.localhost: ")
                        .endsWith(" (only the gateway's owners and readers may subscribe: ask its owner to add stranger@localhost to access.readers)."));
            }
        }
    }
}
