package org.xmppiot.core.thing;

import java.time.Instant;
import java.util.List;

import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.model.Channel;
import org.xmppiot.core.model.ThingStatus;

/**
 * What the registry knows of one thing at one moment: a snapshot, safe to hand to any view.
 *
 * @param config the configured section, or null for a thing found on the network
 * @param since  when the thing entered its current status
 */
public record Thing(String id, String title, Origin origin, ThingStatus status, Instant since, List<Channel> channels,
                   ThingConfig config) {

    public enum Origin {
        /** From the configuration file, with a driver. */
        CONFIGURED,
        /** Found on the local network (mDNS); read by the discovery module, no driver of its own. */
        DISCOVERED
    }

    public Thing {
        channels = List.copyOf(channels);
    }

    /** The declared channel of this name, or null. */
    public Channel channel(String name) {
        for (Channel c : channels) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }
}
