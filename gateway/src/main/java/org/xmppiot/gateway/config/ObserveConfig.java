package org.xmppiot.gateway.config;

import java.time.Duration;

/**
 * Event subscriptions (observe): the QoS level of the events sent to observers ({@code unacknowledged},
 * {@code acknowledged} or {@code assured}), how long an observer may be offline before its
 * subscriptions end, and how long an acknowledged or assured event is tried before it is given up.
 */
public record ObserveConfig(String qos, Duration offlineTimeout, Duration retryFor) {

    public static final String[] QOS_LEVELS = {"unacknowledged", "acknowledged", "assured"};

    public static ObserveConfig defaults() {
        return new ObserveConfig("unacknowledged", Duration.ofMinutes(10), Duration.ofHours(1));
    }
}
