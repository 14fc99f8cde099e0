package org.xmppiot.gateway.adhoc;

/** Replaces the running configuration; offered by whoever runs the gateway (the {@code run} command). */
public interface ConfigReplacer {

    /**
     * Checks {@code yaml} as a whole configuration and, if it is valid, applies it: thing by thing when
     * only things changed, otherwise by restarting the gateway in the same process; it goes back to the
     * old one if that fails.
     *
     * @param requester told the outcome by chat once the gateway runs again
     * @return null when accepted, otherwise why not (the running configuration is untouched)
     */
    String replace(String yaml, String requester);
}
