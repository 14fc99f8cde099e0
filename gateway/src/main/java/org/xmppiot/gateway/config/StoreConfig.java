package org.xmppiot.gateway.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The gateway's own durable store of readings: where the SQLite file lives, how much history it keeps
 * (by size and by age, whichever is reached first) and how often it commits. Fewer, larger commits
 * spare an SD card; a reading counts as taken once its commit is done.
 */
public record StoreConfig(Path path, long maxBytes, Duration maxAge, Duration commitInterval) {

    public static final Path DEFAULT_PATH = Path.of("/var/lib/xmpp-iot-gateway/readings.db");
    public static final long DEFAULT_MAX_BYTES = 64_000_000L;
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(30);
    /**
     * Publishing does not wait for it, so it only bounds what a power cut can take: readings of the last two
     * seconds the server had not received yet. Each commit rewrites pages and syncs: fewer spare the card.
     */
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(2);
}
