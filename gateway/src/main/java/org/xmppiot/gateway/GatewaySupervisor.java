package org.xmppiot.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

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
import org.xmppiot.gateway.adhoc.FleetDocument;
import org.xmppiot.gateway.config.ConfigText;
import org.xmppiot.gateway.onboarding.Ownership;

/**
 * Runs the gateway from its configuration file and swaps it for a new configuration while running
 * (ad-hoc replace-config, or SIGHUP for the file itself): a sent document changes the sections it names and keeps
 * the others ({@link FleetDocument}); the result is checked in full and against {@link ConfigSafety} first, the old
 * one is kept as {@code <file>.previous}. Things, access, observe and http are applied to their part alone and the
 * XMPP session stays up; a changed xmpp, store, bus or discovery section restarts the gateway in this process. If the new configuration
 * does not start, the old one runs again.
 */
public final class GatewaySupervisor implements ConfigReplacer, Ownership, AutoCloseable {

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
        FleetDocument.Merged merged;
        try {
            // The document changes the sections it names; the others (the account among them) stay as they run.
            merged = FleetDocument.merge(yaml, Files.readString(file, StandardCharsets.UTF_8));
            // Another account's configuration is refused before anything in it is read as ours.
            String self = current().config().xmpp().jid();
            String theirs = FleetDocument.account(merged.yaml());
            if (theirs != null && !theirs.equalsIgnoreCase(self)) {
                return "the configuration is for " + theirs + ", and this gateway is " + self
                        + " (leave the xmpp section out to send one configuration to many gateways)";
            }
            Files.writeString(incoming, merged.yaml(), StandardCharsets.UTF_8);
            next = GatewayConfigLoader.load(incoming, drivers);
            String refusal = ConfigSafety.refusal(current().config(), next, bare(requester), merged.handover(), current().health().store().unsent());
            if (refusal != null) {
                deleteQuietly(incoming);
                log.warn("replace-config from {} refused: {}", requester, refusal);
                return refusal;
            }
        } catch (ConfigException e) {
            deleteQuietly(incoming);
            return e.getMessage().replace(incoming.toString(), "the new configuration");
        } catch (IOException e) {
            deleteQuietly(incoming);
            return "cannot write " + incoming + ": " + e.getMessage();
        }
        // Answer first (the request came over the connection that is about to close), then swap.
        log.info("replace-config from {}: {}", requester, merged.summary());
        Thread swap = new Thread(() -> swap(incoming, next, requester, merged.summary()), "config-swap");
        swap.setDaemon(false);
        swap.start();
        return null;
    }

    private synchronized void swap(Path incoming, GatewayConfig next, String requester, String sections) {
        if (closed) {
            return;
        }
        Path previous = file.resolveSibling(file.getFileName() + ".previous");
        try {
            Files.copy(file, previous, StandardCopyOption.REPLACE_EXISTING);
            Files.move(incoming, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.error("the new configuration was not applied: {}", e.toString());
            tell(requester, "The new configuration was not applied: " + e.getMessage());
            return;
        }
        GatewayConfig fromFile = next;
        try {
            fromFile = GatewayConfigLoader.load(file, drivers); // The same document, now naming its own file in errors.
        } catch (ConfigException e) {
            log.warn("{} no longer checks out after the move ({}); applying what was checked", file, e.getMessage());
        }
        String outcome = apply(fromFile, previous, requester);
        tell(requester, outcome + " The document " + sections + ". The old configuration is kept as " + previous + ".");
    }

    /**
     * Writes {@code bareJid} into the file's {@code access.owners} (the rest of the file as it is, the old one kept as
     * {@code <file>.previous}) and applies it; for the owner who used the owner's invite.
     */
    @Override
    public synchronized String claim(String bareJid) {
        if (closed || current == null) {
            return "the gateway is stopping";
        }
        Path incoming = file.resolveSibling(file.getFileName() + ".incoming");
        Path previous = file.resolveSibling(file.getFileName() + ".previous");
        try {
            Files.writeString(incoming, ConfigText.withOwner(Files.readString(file, StandardCharsets.UTF_8), bareJid), StandardCharsets.UTF_8);
            GatewayConfigLoader.load(incoming, drivers); // Checked in full before it replaces the file.
            Files.copy(file, previous, StandardCopyOption.REPLACE_EXISTING);
            Files.move(incoming, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            String outcome = apply(GatewayConfigLoader.load(file, drivers), previous, bareJid);
            return current.config().access().owners().contains(bareJid) ? null : outcome;
        } catch (ConfigException e) {
            deleteQuietly(incoming);
            return e.getMessage().replace(incoming.toString(), "the configuration with the new owner");
        } catch (IOException e) {
            deleteQuietly(incoming);
            return "cannot write " + file + ": " + e.getMessage();
        }
    }

    /**
     * Re-reads the configuration file (SIGHUP) and applies it the same way as a replace-config: thing by
     * thing when only things changed. A file that does not check out changes nothing.
     */
    public synchronized void reload() {
        if (closed || current == null) {
            return; // Stopping, or the first start failed: nothing runs that could take a new file.
        }
        GatewayConfig next;
        try {
            next = GatewayConfigLoader.load(file, drivers);
        } catch (ConfigException e) {
            log.error("reload: {} has an error, the running configuration stays: {}", file, e.getMessage());
            return;
        }
        String refusal = ConfigSafety.refusal(current.config(), next, null, false, current.health().store().unsent());
        if (refusal != null) {
            log.error("reload: {} is refused, the running configuration stays: {}", file, refusal);
            return;
        }
        log.info("reload: {}", apply(next, null, "reload"));
    }

    /**
     * Applies {@code next}; when it fails, goes back to what ran before ({@code previousFile} is copied
     * back when given). Returns a sentence for whoever asked.
     */
    private String apply(GatewayConfig next, Path previousFile, String requester) {
        GatewayConfig running = current.config();
        List<String> restartFor = ConfigSections.needingRestart(running, next);
        if (restartFor.isEmpty()) {
            try {
                LiveConfiguration.Changes changes = current.applyLive(next);
                log.info("configuration replaced by {} part by part: {}", requester, changes);
                return "The new configuration is running (" + changes + "); the XMPP session stayed up.";
            } catch (Exception e) {
                log.error("the new configuration did not start ({}); going back to the old one", e.getMessage());
                restoreFile(previousFile);
                try {
                    current.applyLive(running);
                } catch (Exception again) {
                    log.error("the old configuration did not all start again either: {}", again.getMessage());
                }
                return "The new configuration did not start (" + e.getMessage() + "); the old one runs again.";
            }
        }
        log.info("the {} section(s) changed: restarting the gateway to apply them", String.join(", ", restartFor));
        try {
            Thread.sleep(500); // Sections other than things restart the session: let the ad-hoc answer leave first.
            current.close();
            current = new Gateway(next, drivers, this);
            current.start();
            log.info("configuration replaced by {}: {} things", requester, next.things().size());
            return "The new configuration is running: " + next.things().size() + " things (the gateway restarted for "
                    + String.join(", ", restartFor) + ").";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "The gateway is stopping.";
        } catch (Exception e) {
            log.error("the new configuration did not start ({}); going back to the old one", e.getMessage());
            restoreFile(previousFile);
            try {
                current = new Gateway(running, drivers, this);
                current.start();
            } catch (Exception again) {
                log.error("the old configuration did not start again either: {}", again.getMessage());
            }
            return "The new configuration did not start (" + e.getMessage() + "); the old one runs again.";
        }
    }

    private void restoreFile(Path previousFile) {
        if (previousFile == null) {
            return; // A reload: the file is the user's; what runs is the old configuration.
        }
        try {
            Files.copy(previousFile, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            log.error("cannot put {} back: {}", previousFile, e.toString());
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

    /** The bare JID of a full one ("alice@example.org/phone" -> "alice@example.org"). */
    private static String bare(String jid) {
        int slash = jid.indexOf('/');
        return slash < 0 ? jid : jid.substring(0, slash);
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
