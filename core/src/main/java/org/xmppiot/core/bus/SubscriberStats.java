package org.xmppiot.core.bus;

/**
 * Counters of one bus subscriber: readings handed over, dropped because its queue was full,
 * and those its consumer threw on.
 */
public record SubscriberStats(String name, int capacity, int queued, long delivered, long dropped, long failed) {
}
