package org.xmppiot.gateway.onboarding;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.spi.DriverRegistry;

/**
 * An invite left for the gateway ({@code invite} beside its configuration; the package's boot-partition import puts
 * {@code xmpp-iot-gateway.invite} there): the gateway joins with it before it starts, trying again while the server
 * cannot be reached (the network may come up late on a first boot), and removes it once used. An invite the server
 * refuses is renamed {@code invite.refused} and said in one sentence; the gateway then does not start.
 */
public final class PendingInvite {

    private static final Logger log = LoggerFactory.getLogger(PendingInvite.class);
    private static final Duration MAX_WAIT = Duration.ofMinutes(1);

    private PendingInvite() {
    }

    /** The file an invite is left in for the gateway with configuration {@code configFile}. */
    public static Path file(Path configFile) {
        return configFile.toAbsolutePath().resolveSibling("invite");
    }

    /**
     * Joins with the pending invite if there is one; returns null when there was none or joining worked, otherwise
     * the sentence why the gateway cannot start.
     */
    public static String joinIfAny(Path configFile, DriverRegistry drivers) throws IOException, InterruptedException {
        Path file = file(configFile);
        if (!Files.exists(file)) {
            return null;
        }
        InviteUri invite;
        try {
            invite = InviteUri.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (InviteUri.InvalidInviteException e) {
            return refused(file, e.getMessage());
        }
        Duration wait = Duration.ofSeconds(2);
        while (true) {
            try {
                Join.Joined joined = Join.join(invite, configFile, null, null, drivers);
                Files.delete(file);
                log.info("joined {} with the invite in {}: this gateway is {}, {} its owner", invite.domain(), file, joined.jid(), joined.owner());
                return null;
            } catch (Join.JoinException e) {
                if (e.failure() != Join.Failure.UNREACHABLE) {
                    return refused(file, e.getMessage());
                }
                log.warn("{}; trying again in {} s", e.getMessage(), wait.toSeconds());
            } catch (ConfigException e) {
                return refused(file, e.getMessage());
            }
            Thread.sleep(wait.toMillis());
            wait = wait.multipliedBy(2).compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait.multipliedBy(2);
        }
    }

    private static String refused(Path file, String why) throws IOException {
        Path kept = file.resolveSibling("invite.refused");
        Files.move(file, kept, StandardCopyOption.REPLACE_EXISTING);
        return "the invite in " + file + " cannot be used (kept as " + kept + "): " + why;
    }
}
