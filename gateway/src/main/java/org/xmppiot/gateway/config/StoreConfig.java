package org.xmppiot.gateway.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The gateway's own durable store of readings: where the SQLite file lives, how much history it keeps
 * (by size and by age, whichever is reached first) and how often it commits. Fewer, larger commits
 * spare an SD card: a reading waits at most {@code commitInterval} for its commit while the server has
 * not confirmed it, and at most {@code confirmedCommitInterval} once it has (it is safe on the server).
 */
public record StoreConfig(Path path, long maxBytes, Duration maxAge, Duration commitInterval, Duration confirmedCommitInterval) {

    /** Commits that wait no longer for readings the server confirmed. */
    public StoreConfig(Path path, long maxBytes, Duration maxAge, Duration commitInterval) {
        this(path, maxBytes, maxAge, commitInterval, commitInterval);
    }

    public static final Path DEFAULT_PATH = Path.of("/var/lib/xmpp-iot-gateway/readings.db");
    public static final long DEFAULT_MAX_BYTES = 64_000_000L;
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(30);
    /**
     * Publishing does not wait for it, so it only bounds what a power cut can take: readings of the last two
     * seconds the server had not received yet. Each commit rewrites pages and syncs: fewer spare the card.
     */
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(2);
    /**
     * What a power cut can take of readings the server already has is only the store's copy (history kept here; the
     * node holds them). Each commit costs some tens of KB of writes whatever it holds: at 1 reading/s a commit every 2 s
     * wrote about 3,500 bytes per reading, one every 30 s about 1,100, one a minute under 1,000 (bench/README.md, wear).
     */
    public static final Duration DEFAULT_CONFIRMED_COMMIT_INTERVAL = Duration.ofSeconds(60);
}
