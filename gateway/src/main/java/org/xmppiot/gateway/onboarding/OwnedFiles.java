package org.xmppiot.gateway.onboarding;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files the set-up commands write for the gateway (its configuration, its password) when they may run as root: a file
 * that exists keeps its owner, group and mode, so the service's user can still read it; a new one belongs to the
 * directory's group with mode 0640 (the package makes that directory the service's group). Each is replaced whole.
 */
public final class OwnedFiles {

    private static final Set<PosixFilePermission> OWNER_RW_GROUP_R = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ);

    private OwnedFiles() {
    }

    public static void replace(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path next = dir.resolve(file.getFileName() + ".new");
        Files.deleteIfExists(next);
        Files.createFile(next);
        PosixFileAttributeView view = Files.getFileAttributeView(next, PosixFileAttributeView.class);
        PosixFileAttributes like = Files.exists(file) ? Files.readAttributes(file, PosixFileAttributes.class) : null;
        // Permissions before the content, so the secret is never readable by others, not even for a moment.
        view.setPermissions(like != null ? like.permissions() : OWNER_RW_GROUP_R);
        try {
            if (like != null) {
                view.setOwner(like.owner());
            }
            view.setGroup(like != null ? like.group() : Files.readAttributes(dir, PosixFileAttributes.class).group());
        } catch (IOException notAllowed) {
            // Not root: the file stays ours, with the mode above.
        }
        Files.writeString(next, text, StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A password of 24 random characters (144 bits) for an account only the gateway logs in to. */
    public static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
