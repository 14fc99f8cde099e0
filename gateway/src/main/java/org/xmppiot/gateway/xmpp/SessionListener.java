package org.xmppiot.gateway.xmpp;

/** Work that must be done on every new XMPP session before readings flow, such as provisioning nodes. */
@FunctionalInterface
public interface SessionListener {

    /**
     * Called on the uplink's thread after login. Throwing ends the session; the uplink then
     * reconnects with backoff and calls again. A session resumed after a short drop (XEP-0198) is the
     * same session: it is not announced again.
     */
    void sessionStarted(Session session) throws Exception;
}
