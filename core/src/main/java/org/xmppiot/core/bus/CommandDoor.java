package org.xmppiot.core.bus;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.model.Command;
import org.xmppiot.core.spi.CommandRejectedException;
import org.xmppiot.core.spi.Driver;

/**
 * The one way into a driver: commands from authorised requests go through here to the driver that
 * owns the thing, and every command is logged with its origin and outcome.
 */
public final class CommandDoor {

    private static final Logger log = LoggerFactory.getLogger(CommandDoor.class);

    private final Map<String, Driver> owners = new ConcurrentHashMap<>();

    /** Makes {@code driver} the owner of {@code thingId}'s commands (while it runs). */
    public void open(String thingId, Driver driver) {
        owners.put(thingId, driver);
    }

    public void close(String thingId) {
        owners.remove(thingId);
    }

    /** Hands the command to the owning driver; throws with a sentence for the sender when it is refused. */
    public void execute(Command command) throws CommandRejectedException {
        Driver owner = owners.get(command.thingId());
        if (owner == null) {
            throw new CommandRejectedException(CommandRejectedException.Reason.UNKNOWN_THING, "no thing '" + command.thingId() + "' here");
        }
        try {
            owner.execute(command);
            log.info("command thing={} field={} value={} from={} done", command.thingId(), command.field(), command.value(), command.origin());
        } catch (CommandRejectedException e) {
            log.info("command thing={} field={} from={} refused: {}", command.thingId(), command.field(), command.origin(), e.getMessage());
            throw e;
        }
    }
}
