package org.xmppiot.gateway.http;

import org.xmppiot.core.bus.ReadingBus;
import org.xmppiot.core.thing.ThingRegistry;
import org.xmppiot.gateway.config.GatewayConfig;
import org.xmppiot.gateway.pubsub.PubSubPublisher;
import org.xmppiot.gateway.store.StoreWriter;
import org.xmppiot.gateway.xmpp.XmppUplink;

/** What the local views read of the running gateway; the gateway implements it, so the views never depend on it. */
public interface ViewedGateway {

    GatewayConfig config();

    ThingRegistry things();

    /** The thing's display name. */
    String title(String thingId);

    ReadingBus bus();

    XmppUplink uplink();

    PubSubPublisher publisher();

    StoreWriter storeWriter();

    /** Why publishing waits (the pub/sub service refused the nodes) and what fixes it; null while it does not. */
    String publishingWaits();
}
