package org.xmppiot.gateway;

/** The gateway could not start one of its things; the message names the thing and why. */
public final class GatewayStartException extends Exception {

    private static final long serialVersionUID = 1L;

    public GatewayStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
