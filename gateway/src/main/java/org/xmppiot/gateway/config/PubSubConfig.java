package org.xmppiot.gateway.config;

/**
 * Where and how readings are published: the XEP-0060 service, the node name prefix, the settings
 * the gateway gives each node it creates, and how many readings of a thing may share one item
 * (1 = an item per reading; more = lightweight mode for high rates and small servers).
 */
public record PubSubConfig(String service, String nodePrefix, String accessModel, int maxItems, boolean persistItems,
                           int readingsPerItem) {

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
