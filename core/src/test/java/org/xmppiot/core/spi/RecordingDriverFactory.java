package org.xmppiot.core.spi;

import java.util.Set;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ThingConfig;

/** A driver factory for config tests: reads one setting, {@code level}, and does nothing when started. */
public final class RecordingDriverFactory implements DriverFactory {

    @Override
    public String name() {
        return "recording";
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of("level");
    }

    @Override
    public Driver create(ThingConfig thing) throws ConfigException {
        thing.section().integer("level", 0, 0, 10);
        return new Driver() {
            @Override
            public void start(ReadingSink sink) {
            }

            @Override
            public void close() {
            }
        };
    }
}
