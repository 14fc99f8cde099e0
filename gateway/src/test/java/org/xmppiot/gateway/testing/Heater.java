package org.xmppiot.gateway.testing;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.model.Channel;
import org.xmppiot.core.model.Command;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.core.spi.Driver;
import org.xmppiot.core.spi.ReadingSink;
import org.xmppiot.core.thing.ThingRegistry;

/**
 * A thing for testing features without hardware or a server: a heater with a setpoint of 5 to 30 °C that owners may
 * set, and a temperature it reports when told to ({@link #reads}). It keeps the commands it carried out.
 */
public final class Heater implements Driver {

    private final String id;
    private final List<Command> done = new CopyOnWriteArrayList<>();
    private volatile ReadingSink sink;
    private long sequence;

    private Heater(String id) {
        this.id = id;
    }

    /** A heater named {@code id}, registered in {@code things} and started. */
    public static Heater in(ThingRegistry things, String id) {
        Heater heater = new Heater(id);
        things.add(new ThingConfig(id, "The " + id, "test", ConfigNode.emptyMap("test.yaml", "things[0]")), heater);
        things.start(id);
        return heater;
    }

    /** Reports {@code celsius} as its temperature now. */
    public synchronized void reads(String celsius) {
        sink.accept(new Reading(id, ++sequence, Instant.now().truncatedTo(ChronoUnit.MILLIS),
                List.of(Field.readout("temperature", new FieldValue.NumericValue(new BigDecimal(celsius), "°C")))));
    }

    /** The commands carried out, in order. */
    public List<Command> done() {
        return done;
    }

    @Override
    public void start(ReadingSink sink) {
        this.sink = sink;
        sink.status(id, ThingStatus.online());
    }

    @Override
    public List<Channel> channels() {
        return List.of(Channel.number("setpoint", "°C", 1).settable(BigDecimal.valueOf(5), BigDecimal.valueOf(30)),
                Channel.number("temperature", "°C", 1));
    }

    @Override
    public void execute(Command command) {
        done.add(command);
    }

    @Override
    public void close() {
    }
}
