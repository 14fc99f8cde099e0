package org.xmppiot.gateway.doctor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * This machine's own clock: a Raspberry Pi has no battery-backed clock and starts from the last saved time
 * until network time arrives, so readings and certificate checks go wrong until it is synchronized.
 */
final class ClockCheck {

    private final Path root;
    private final LocalDate built;

    /** {@code built}: the day this release was built, before which the clock cannot be right. */
    ClockCheck(Path root, LocalDate built) {
        this.root = root;
        this.built = built;
    }

    Finding check() {
        Instant now = Instant.now();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        if (built != null && today.isBefore(built)) {
            return Finding.fail("clock", "the clock says " + now + ", before this release was built (" + built + ")",
                    "set the clock: sudo timedatectl set-ntp true, and give the machine network access to an NTP server");
        }
        Path timesync = root.resolve("run/systemd/timesync");
        if (Files.exists(timesync.resolve("synchronized"))) {
            return Finding.ok("clock", now + ", synchronized by systemd-timesyncd");
        }
        if (Files.isDirectory(timesync)) {
            return Finding.warn("clock", now + ", not synchronized yet by systemd-timesyncd",
                    "wait for network time, or check: timedatectl timesync-status");
        }
        return Finding.ok("clock", now + " (no systemd-timesyncd here; the server comparison below tells more)");
    }
}
