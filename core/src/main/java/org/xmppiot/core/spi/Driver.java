package org.xmppiot.core.spi;

import java.util.List;

import org.xmppiot.core.model.Channel;
import org.xmppiot.core.model.Command;

/**
 * A running source of readings for one thing. Created from configuration without touching hardware;
 * {@link #start} begins the I/O and {@link #close} ends it and frees what it holds.
 */
public interface Driver extends AutoCloseable {

    /**
     * Starts producing readings into {@code sink}, and reports the thing's status there as it changes
     * (online once the device answers, offline with the reason when it does not). Must return promptly;
     * work happens on the driver's own threads.
     */
    void start(ReadingSink sink);

    /**
     * The fields this thing will report, known from its configuration before the first reading; the ones
     * that may be set say so, with their range. Empty when they are learnt from the readings (e.g. a
     * serial device that names its own fields).
     */
    default List<Channel> channels() {
        return List.of();
    }

    /**
     * Carries out a command for one of this thing's settable fields (an output, a setpoint). Only the
     * thing registry calls this, after checking the command against the declared channels. Things without settable fields refuse.
     */
    default void execute(Command command) throws CommandRejectedException {
        throw new CommandRejectedException(CommandRejectedException.Reason.READ_ONLY,
                "thing '" + command.thingId() + "' has nothing that can be set");
    }

    /**
     * Input this thing's driver could not use, counted by kind since it started (bad frames, device faults, bad
     * advertisements...), for views such as /metrics. Empty for drivers that count none.
     */
    default java.util.Map<String, Long> rejected() {
        return java.util.Map.of();
    }

    /** Stops producing readings. No reading reaches the sink after this returns. */
    @Override
    void close();
}
