package org.xmppiot.core.spi;

import org.xmppiot.core.model.Command;

/**
 * A running source of readings for one thing. Created from configuration without touching hardware;
 * {@link #start} begins the I/O and {@link #close} ends it and frees what it holds.
 */
public interface Driver extends AutoCloseable {

    /** Starts producing readings into {@code sink}. Must return promptly; work happens on the driver's own threads. */
    void start(ReadingSink sink);

    /**
     * Carries out a command for one of this thing's settable fields (an output, a setpoint). Only the
     * {@link org.xmppiot.core.bus.CommandDoor} calls this. Things without settable fields refuse.
     */
    default void execute(Command command) throws CommandRejectedException {
        throw new CommandRejectedException(CommandRejectedException.Reason.READ_ONLY,
                "thing '" + command.thingId() + "' has nothing that can be set");
    }

    /** Stops producing readings. No reading reaches the sink after this returns. */
    @Override
    void close();
}
