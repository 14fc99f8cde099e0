package org.xmppiot.gateway.xmpp;


import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.SubscribeListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.gateway.access.AccessPolicy;

/**
 * Presence subscriptions ("friendship"): granted to the configured owners and readers, and asked of
 * them in return, so the gateway sees when an observer goes offline. Everyone else is refused.
 */
public final class PresenceAccess implements SessionListener {

    private static final Logger log = LoggerFactory.getLogger(PresenceAccess.class);

    private final AccessPolicy access;

    public PresenceAccess(AccessPolicy access) {
        this.access = access;
    }

    @Override
    public void sessionStarted(Session session) {
        XMPPConnection connection = session.smack();
        Roster.getInstanceFor(connection).addSubscribeListener(answer());
    }

    private SubscribeListener answer() {
        return (from, request) -> {
            // Not to those given some things only: presence subscribers get the gateway's status node (PEP), every thing in it.
            if (access.mayRead(from)) {
                return SubscribeListener.SubscribeAnswer.ApproveAndAlsoRequestIfRequired;
            }
            log.info("presence subscription from {} refused: not an owner or reader", from);
            return SubscribeListener.SubscribeAnswer.Deny;
        };
    }
}
