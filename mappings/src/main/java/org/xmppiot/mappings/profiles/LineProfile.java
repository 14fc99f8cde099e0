package org.xmppiot.mappings.profiles;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import org.xmppiot.core.spi.DeviceProfile;
import org.xmppiot.core.spi.FrameMapper;
import org.xmppiot.core.spi.FramingSpec;
import org.xmppiot.mappings.text.NmeaSentences;
import org.xmppiot.mappings.text.SelfDescribingLines;

/** The stock profiles of devices that send lines of text. */
public abstract class LineProfile implements DeviceProfile {

    private final String name;
    private final String description;
    private final int baud;
    private final int maxLength;
    private final Supplier<FrameMapper> mapper;

    LineProfile(String name, String description, int baud, int maxLength, Supplier<FrameMapper> mapper) {
        this.name = name;
        this.description = description;
        this.baud = baud;
        this.maxLength = maxLength;
        this.mapper = mapper;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public int baud() {
        return baud;
    }

    @Override
    public FramingSpec framing() {
        return new FramingSpec.Lines("\n".getBytes(StandardCharsets.US_ASCII), maxLength);
    }

    @Override
    public FrameMapper mapper() {
        return mapper.get();
    }

    /** {@code profile: nmea-gps}: a GPS receiver's GGA and RMC sentences (82 characters at most by the standard). */
    public static final class NmeaGps extends LineProfile {
        public NmeaGps() {
            super("nmea-gps", "GPS receiver speaking NMEA 0183 (GGA, RMC)", 9600, 128, NmeaSentences::new);
        }
    }

    /** {@code profile: json-lines}: one JSON object per line, each top-level key a field. */
    public static final class JsonLines extends LineProfile {
        public JsonLines() {
            super("json-lines", "a board printing one JSON object per line", 115200, 4096, SelfDescribingLines::json);
        }
    }

    /** {@code profile: csv-lines}: comma-separated numbers per line, fields value1, value2, ... */
    public static final class CsvLines extends LineProfile {
        public CsvLines() {
            super("csv-lines", "a board printing comma-separated numbers per line", 115200, 1024, SelfDescribingLines::csv);
        }
    }
}
