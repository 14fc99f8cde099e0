package org.xmppiot.gateway.store;

/** The store cannot be opened or written; the message names the file and what to do. */
public final class StoreException extends Exception {

    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
