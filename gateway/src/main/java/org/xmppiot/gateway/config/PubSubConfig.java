package org.xmppiot.gateway.config;

/**
 * Where and how readings are published: the XEP-0060 service, the node name prefix, the settings
 * the gateway gives each node it creates, and how many readings of a thing may share one item
 * (1 = an item per reading; more, the default, lets items grow while publishing is behind).
 */
public record PubSubConfig(String service, String nodePrefix, String accessModel, int maxItems, boolean persistItems,
                           int readingsPerItem, java.time.Duration itemInterval) {

    /**
     * While readings come faster than this, the store and the observers take them in one batch per interval, so a busy
     * thing's node gets an item per interval holding that interval's readings (up to {@link #readingsPerItem}); a reading
     * after a quiet spell still goes at once. What a publish costs both ends (a stanza, its answer, a notification per
     * subscriber) and every hand-over between threads is then paid per batch instead of per reading at high rates, for at
     * most this much more latency.
     */
    public static final java.time.Duration DEFAULT_ITEM_INTERVAL = java.time.Duration.ofMillis(50);

    /**
     * Items take more readings only while they wait for a publish slot, so under light load an item still carries one
     * reading; a slow server or a backlog then gets few items of up to this many readings instead of a queue that grows.
     */
    public static final int DEFAULT_READINGS_PER_ITEM = 50;

    public static final String[] ACCESS_MODELS = {"whitelist", "presence", "roster", "authorize", "open"};

    /** The {@code service} that means the account's own PEP service (XEP-0163) rather than a pub/sub component. */
    public static final String PEP = "pep";

    /** Whether items go to the account's own PEP nodes. */
    public boolean pep() {
        return PEP.equals(service);
    }

    /** The node a thing publishes to. */
    public String nodeFor(String thingId) {
        return nodePrefix + thingId;
    }
}
