package org.xmppiot.core.spi;

/**
 * A command a driver will not carry out, with why: the field does not exist, can only be read, or the
 * value does not fit. The message is one sentence for the person who sent the command.
 */
public final class CommandRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a command is refused; XMPP control maps these to its error answers. */
    public enum Reason { UNKNOWN_THING, UNKNOWN_FIELD, READ_ONLY, BAD_VALUE, FAILED }

    private final Reason reason;

    public CommandRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
