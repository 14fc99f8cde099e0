package org.xmppiot.gateway.feature;

/**
 * Asking the owners for a thing: the sharing feature forwards a request to the owners, chat and ad-hoc commands take
 * it from whoever sends one, strangers too, without knowing each other.
 */
public interface AccessRequests {

    /** Asks the owners to let {@code from} (a full JID) read {@code thing}; what the requester is told, in one sentence. */
    String request(String from, String thing);
}
