package org.xmppiot.gateway.feature;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Asks someone by XMPP whether a login to the page is theirs (XEP-0070): the page knows nothing of XMPP, the feature
 * that asks knows nothing of HTTP.
 */
public interface LoginConfirmer {

    /** Whether {@code bareJid} is someone the gateway would ask at all (an owner or a reader); strangers never are. */
    boolean mayLogIn(String bareJid);

    /**
     * Asks {@code bareJid} to confirm the request {@code id} (shown on the page) for {@code url}; completes with true
     * when confirmed, false when denied, unanswered within {@code timeout}, or not asked (a stranger, no session).
     */
    CompletableFuture<Boolean> confirm(String bareJid, String id, String method, String url, Duration timeout);
}
