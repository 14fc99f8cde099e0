package org.xmppiot.gateway.config;

/**
 * Where and how readings are published: the XEP-0060 service, the node name prefix, the settings
 * the gateway gives each node it creates, and how many readings of a thing may share one item
 * (1 = an item per reading; more, the default, lets items grow while publishing is behind).
 */
public record PubSubConfig(String service, String nodePrefix, String accessModel, int maxItems, boolean persistItems,
                           int readingsPerItem) {

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
