package org.xmppiot.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.impl.JidCreate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.config.ConfigException;
import org.xmppiot.gateway.config.GatewayConfig;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.gateway.adhoc.ConfigReplacer;

/**
 * Runs the gateway from its configuration file and swaps it for a new configuration while running:
 * the new file is checked in full first, the old one is kept as {@code <file>.previous}, and if the
 * gateway does not start with the new one it starts again with the old.
 */
public final class GatewaySupervisor implements ConfigReplacer, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GatewaySupervisor.class);

    private final Path file;
    private final DriverRegistry drivers;
    private Gateway current;
    private boolean closed;

    public GatewaySupervisor(Path file, DriverRegistry drivers) {
        this.file = file.toAbsolutePath();
        this.drivers = drivers;
    }

    public synchronized void start() throws Exception {
        current = new Gateway(GatewayConfigLoader.load(file, drivers), drivers, this);
        current.start();
    }

    public synchronized Gateway current() {
        return current;
    }

    @Override
    public String replace(String yaml, String requester) {
        Path incoming = file.resolveSibling(file.getFileName() + ".incoming");
        GatewayConfig next;
        try {
            Files.writeString(incoming, yaml, StandardCharsets.UTF_8);
            next = GatewayConfigLoader.load(incoming, drivers);
        } catch (ConfigException e) {
            deleteQuietly(incoming);
            return e.getMessage().replace(incoming.toString(), "the new configuration");
        } catch (IOException e) {
            deleteQuietly(incoming);
            return "cannot write " + incoming + ": " + e.getMessage();
        }
        // Answer first (the request came over the connection that is about to close), then swap.
        Thread swap = new Thread(() -> swap(incoming, next, requester), "config-swap");
        swap.setDaemon(false);
        swap.start();
        return null;
    }

    private synchronized void swap(Path incoming, GatewayConfig next, String requester) {
        if (closed) {
            return;
        }
        Path previous = file.resolveSibling(file.getFileName() + ".previous");
        try {
            Thread.sleep(500); // Lets the ad-hoc answer leave before the session closes.
            Files.copy(file, previous, StandardCopyOption.REPLACE_EXISTING);
            current.close();
            Files.move(incoming, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            current = new Gateway(GatewayConfigLoader.load(file, drivers), drivers, this);
            current.start();
            log.info("configuration replaced by {}: {} things", requester, next.things().size());
            tell(requester, "The new configuration is running: " + next.things().size() + " things. The old one is kept as " + previous + ".");
        } catch (Exception e) {
            log.error("the new configuration did not start ({}); going back to the old one", e.getMessage());
            try {
                Files.copy(previous, file, StandardCopyOption.REPLACE_EXISTING);
                current = new Gateway(GatewayConfigLoader.load(file, drivers), drivers, this);
                current.start();
                tell(requester, "The new configuration did not start (" + e.getMessage() + "); the old one runs again.");
            } catch (Exception again) {
                log.error("the old configuration did not start again either: {}", again.getMessage());
            }
        }
    }

    /** A chat message to the requester from the restarted gateway, once it is connected. */
    private void tell(String requester, String text) {
        Gateway g = current;
        Thread t = new Thread(() -> {
            try {
                XMPPTCPConnection c = g.uplink().awaitReady(Duration.ofSeconds(60));
                if (c != null) {
                    c.sendStanza(c.getStanzaFactory().buildMessageStanza().to(JidCreate.from(requester))
                            .ofType(Message.Type.chat).setBody(text).build());
                }
            } catch (Exception e) {
                log.debug("could not tell {} the outcome: {}", requester, e.toString());
            }
        }, "config-outcome");
        t.setDaemon(true);
        t.start();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // Only a leftover file.
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (current != null) {
            current.close();
        }
    }
}
