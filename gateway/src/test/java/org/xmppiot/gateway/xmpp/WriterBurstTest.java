package org.xmppiot.gateway.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaIdFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smackx.ping.packet.Ping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.testing.ProsodyExtension;
import org.xmppiot.gateway.testing.TcpRelay;

/**
 * Stanzas sent in a burst (the publisher's items of one round) wait in Smack's queue until the burst ends and then go
 * out together, however long the burst takes; a stanza another thread sends meanwhile waits for the burst and follows
 * it; and every one is answered by a real Prosody. Watched on the wire through a relay.
 */
class WriterBurstTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension().withAccount("gateway");

    @TempDir
    Path dir;

    @Test
    void aBurstGoesOutWholeAtItsEndAndOtherSendersFollowIt() throws Exception {
        assertThat(GuardedTcpConnection.holdsWriterForBursts()).as("Smack's writer queue found").isTrue();
        StringBuilder toServer = new StringBuilder();
        try (TcpRelay relay = new TcpRelay(prosody.port())) {
            relay.watch((server, text) -> {
                if (server) {
                    synchronized (toServer) {
                        toServer.append(text);
                    }
                }
            });
            Path file = prosody.writeConfig(dir, "gateway", "");
            Files.writeString(file, Files.readString(file).replace("  port: " + prosody.port() + "\n", "  port: " + relay.port() + "\n"));
            GuardedTcpConnection c = XmppConnectionFactory.create(GatewayConfigLoader.loadXmpp(file));
            try {
                c.connect().login();
                List<IQ> burst = new ArrayList<>();
                List<StanzaCollector> answers = new ArrayList<>();
                CompletableFuture<Void> other;
                IQ otherPing = ping();
                StanzaCollector otherAnswer = c.createStanzaCollector(new StanzaIdFilter(otherPing.getStanzaId()));
                c.beginBurst();
                try {
                    for (int i = 0; i < 3; i++) {
                        IQ p = ping();
                        burst.add(p);
                        answers.add(c.createStanzaCollector(new StanzaIdFilter(p.getStanzaId())));
                        c.sendStanza(p);
                    }
                    other = CompletableFuture.runAsync(() -> {
                        try {
                            c.sendStanza(otherPing);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    // A negative check: for this long, far beyond any wait of Smack's own, nothing of the burst is written
                    // and the other sender waits.
                    Thread.sleep(500);
                    assertThat(wire(toServer)).as("written before the burst ended").doesNotContain(burst.get(0).getStanzaId());
                    assertThat(other).as("another thread's send while the burst is open").isNotDone();
                } finally {
                    c.endBurst();
                }
                other.get(Await.GENEROUS.toMillis(), TimeUnit.MILLISECONDS);
                for (StanzaCollector answer : answers) {
                    assertThat((IQ) answer.nextResultOrThrow(Await.GENEROUS.toMillis())).isNotNull();
                }
                assertThat((IQ) otherAnswer.nextResultOrThrow(Await.GENEROUS.toMillis())).isNotNull();
                String wire = wire(toServer);
                int last = -1;
                for (IQ p : burst) {
                    int at = wire.indexOf(p.getStanzaId());
                    assertThat(at).as("the burst's stanzas in the order sent").isGreaterThan(last);
                    last = at;
                }
                assertThat(wire.indexOf(otherPing.getStanzaId())).as("the other thread's stanza after the burst").isGreaterThan(last);
            } finally {
                c.disconnect();
            }
        }
    }

    private static IQ ping() throws Exception {
        return new Ping(JidCreate.domainBareFrom("localhost"));
    }

    private static String wire(StringBuilder toServer) {
        synchronized (toServer) {
            return toServer.toString();
        }
    }
}
