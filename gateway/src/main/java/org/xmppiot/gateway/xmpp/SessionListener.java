package org.xmppiot.gateway.xmpp;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;

/** Work that must be done on every new XMPP session before readings flow, such as provisioning nodes. */
@FunctionalInterface
public interface SessionListener {

    /**
     * Called on the uplink's thread after login. Throwing ends the session; the uplink then
     * reconnects with backoff and calls again.
     */
    void sessionStarted(XMPPTCPConnection connection) throws Exception;
}
