package org.xmppiot.gateway.http;

import java.util.function.DoubleConsumer;

import org.xmppiot.core.bus.LatestValueCache;
import org.xmppiot.gateway.health.Health;

/**
 * What the local views read of the running gateway: its {@link Health} (the one source of every status they show),
 * the latest value of each field, and the publish round trips as they happen. The gateway implements it, so the views
 * never depend on it or on its parts.
 */
public interface ViewedGateway {

    /** How the gateway is doing now. */
    Health health();

    /** The latest value of every thing's fields: what the sensors say, as opposed to how the gateway is doing. */
    LatestValueCache latest();

    /** Hands each publish round trip, in seconds, to {@code sink} from now on. */
    void measureRoundTrips(DoubleConsumer sink);

    /** Who asks people by XMPP whether a login to the page is theirs (XEP-0070). */
    org.xmppiot.gateway.feature.LoginConfirmer logins();

    /** What owners logged in by XMPP may set from the page. */
    org.xmppiot.gateway.feature.PageControls controls();
}
