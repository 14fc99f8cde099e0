package org.xmppiot.mappings.text;

import java.util.Set;

import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.spi.FrameMapper;
import org.xmppiot.core.spi.FrameMapperFactory;

/** {@code type: nmea}: NMEA 0183 GGA and RMC sentences with their checksum checked; the fields are fixed. */
public final class NmeaMapping implements FrameMapperFactory {

    @Override
    public String type() {
        return "nmea";
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of();
    }

    @Override
    public FrameMapper create(ConfigNode mapping) {
        return new NmeaSentences();
    }
}
