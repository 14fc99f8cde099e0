package org.xmppiot.drivers.serial;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.spi.Poll;

/**
 * Reads a thing's {@code poll:} section, for a device that answers only when asked.
 * <pre>
 * poll: { request: "FF 01 86 00 00 00 00 00 79", interval: 5s, timeout: 500ms, retries: 2 }
 * poll: { request-text: "READ\r\n", interval: 10s }
 * </pre>
 */
final class PollConfig {

    private PollConfig() {
    }

    static Poll read(ConfigNode poll) throws ConfigException {
        poll.expectOnlyKeys(Set.of("request", "request-text", "interval", "timeout", "retries"));
        if (poll.has("request") == poll.has("request-text")) {
            throw poll.error("needs either request (bytes in hex) or request-text (a text line), not "
                    + (poll.has("request") ? "both" : "neither"));
        }
        byte[] request = poll.has("request") ? FramingConfig.hex(poll, "request")
                : poll.string("request-text").getBytes(StandardCharsets.UTF_8);
        Duration interval = poll.duration("interval", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofDays(1));
        Duration timeout = poll.duration("timeout", Duration.ofMillis(500), Duration.ofMillis(10), Duration.ofMinutes(1));
        if (timeout.compareTo(interval) > 0) {
            throw poll.get("timeout").error("is longer than the interval " + interval.toMillis() + "ms; the next request would come before the answer");
        }
        return new Poll(request, interval, timeout, poll.integer("retries", 2, 0, 10));
    }
}
