package org.xmppiot.core.config;

/**
 * Where and how readings are published: the XEP-0060 service, the node name prefix, and the
 * settings the gateway gives each node it creates.
 */
public record PubSubConfig(String service, String nodePrefix, String accessModel, int maxItems, boolean persistItems) {

    public static final String[] ACCESS_MODELS = {"whitelist", "presence", "roster", "authorize", "open"};

    /** The node a thing publishes to. */
    public String nodeFor(String thingId) {
        return nodePrefix + thingId;
    }
}
