package org.xmppiot.gateway.xmpp;

/** A session listener's failure whose message is already one sentence for the user. */
public class SessionSetupException extends Exception {

    public SessionSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
