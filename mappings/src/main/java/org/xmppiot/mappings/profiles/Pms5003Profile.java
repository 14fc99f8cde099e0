package org.xmppiot.mappings.profiles;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import org.xmppiot.core.spi.DeviceProfile;
import org.xmppiot.core.spi.FrameMapper;
import org.xmppiot.core.spi.FramingSpec;
import org.xmppiot.mappings.binary.BinaryField;
import org.xmppiot.mappings.binary.BinaryMapping;
import org.xmppiot.mappings.rules.FieldRule;

/**
 * Plantower PMS5003 particle sensor, active mode, 9600 8N1. Datasheet frame: {@code 42 4D}, a 16-bit
 * length (28), thirteen big-endian 16-bit words, and a 16-bit sum of all bytes before it.
 */
public final class Pms5003Profile implements DeviceProfile {

    private static final String UG = "µg/m³";
    private static final String PER_DL = "1/0.1L";

    @Override
    public String name() {
        return "pms5003";
    }

    @Override
    public String description() {
        return "Plantower PMS5003 particulate matter sensor (PM1.0, PM2.5, PM10, particle counts)";
    }

    @Override
    public int baud() {
        return 9600;
    }

    @Override
    public FramingSpec framing() {
        return new FramingSpec.Binary(new byte[] {0x42, 0x4D}, 0, 2, 2, 4, 64, null,
                new FramingSpec.Checksum(FramingSpec.Checksum.Kind.SUM, 0, 2, 2));
    }

    @Override
    public FrameMapper mapper() {
        String[] names = {"pm1.0-cf1", "pm2.5-cf1", "pm10-cf1", "pm1.0", "pm2.5", "pm10",
            "particles-0.3um", "particles-0.5um", "particles-1.0um", "particles-2.5um", "particles-5.0um", "particles-10um"};
        List<BinaryField> fields = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            String unit = i < 6 ? UG : PER_DL;
            FieldRule rule = new FieldRule(names[i], "numeric", unit, BigDecimal.ONE, BigDecimal.ZERO, 0, false);
            fields.add(new BinaryField(rule, 4 + 2 * i, 2, true, false));
        }
        return BinaryMapping.mapper(fields);
    }
}
