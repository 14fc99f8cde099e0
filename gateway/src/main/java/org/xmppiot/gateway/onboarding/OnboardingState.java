package org.xmppiot.gateway.onboarding;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.xmppiot.gateway.store.StateFiles;

/**
 * What getting started leaves for the running gateway, in the directory of its store (the one place the service may
 * write besides its configuration): the owner's invite it gave out and not yet seen used ({@code owner-invite}), and
 * the owners to greet at the next session ({@code greet}, one JID a line). Each file is replaced whole, so a power
 * cut leaves the old one or the new one.
 */
public final class OnboardingState {

    /** An invite and when it stops working. */
    public record OwnerInvite(String uri, Instant expires) {
        boolean usableAt(Instant now) {
            return now.isBefore(expires.minusSeconds(60));
        }
    }

    private final Path inviteFile;
    private final Path greetFile;

    public OnboardingState(Path directory) {
        this.inviteFile = directory.resolve("owner-invite");
        this.greetFile = directory.resolve("greet");
    }

    /** The owner's invite given out and not yet used, or null. */
    public synchronized OwnerInvite ownerInvite() {
        try {
            List<String> lines = Files.readAllLines(inviteFile, StandardCharsets.UTF_8);
            return lines.size() < 2 ? null : new OwnerInvite(lines.get(0).strip(), Instant.parse(lines.get(1).strip()));
        } catch (IOException | DateTimeParseException e) {
            return null; // None, or unreadable: a new one is made.
        }
    }

    public synchronized void keepOwnerInvite(OwnerInvite invite) throws IOException {
        replace(inviteFile, invite.uri() + "\n" + invite.expires() + "\n");
    }

    public synchronized void ownerInviteUsed() throws IOException {
        Files.deleteIfExists(inviteFile);
    }

    /** Adds {@code jid} to the owners greeted at the next session. */
    public synchronized void greetLater(String jid) throws IOException {
        Set<String> all = new LinkedHashSet<>(toGreet());
        all.add(jid);
        replace(greetFile, String.join("\n", all) + "\n");
    }

    public synchronized List<String> toGreet() {
        try {
            List<String> out = new ArrayList<>();
            for (String line : Files.readAllLines(greetFile, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    out.add(line.strip());
                }
            }
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }

    /** {@code jid} has been greeted. */
    public synchronized void greeted(String jid) throws IOException {
        List<String> rest = new ArrayList<>(toGreet());
        rest.remove(jid);
        if (rest.isEmpty()) {
            Files.deleteIfExists(greetFile);
        } else {
            replace(greetFile, String.join("\n", rest) + "\n");
        }
    }

    private static void replace(Path file, String text) throws IOException {
        StateFiles.replace(file, text);
    }
}
