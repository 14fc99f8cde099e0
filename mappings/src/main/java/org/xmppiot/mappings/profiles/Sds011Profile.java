package org.xmppiot.mappings.profiles;

import java.math.BigDecimal;
import java.util.List;

import org.xmppiot.core.spi.DeviceProfile;
import org.xmppiot.core.spi.FrameMapper;
import org.xmppiot.core.spi.FramingSpec;
import org.xmppiot.mappings.binary.BinaryField;
import org.xmppiot.mappings.binary.BinaryMapping;
import org.xmppiot.mappings.rules.FieldRule;

/**
 * Nova Fitness SDS011 particle sensor, reporting mode, 9600 8N1. Datasheet frame (10 bytes):
 * {@code AA C0}, PM2.5 and PM10 as little-endian tenths of µg/m³, a 2-byte device id, the low byte of
 * the sum of data bytes 2..7, and {@code AB}.
 */
public final class Sds011Profile implements DeviceProfile {

    @Override
    public String name() {
        return "sds011";
    }

    @Override
    public String description() {
        return "Nova Fitness SDS011 particulate matter sensor (PM2.5, PM10)";
    }

    @Override
    public int baud() {
        return 9600;
    }

    @Override
    public FramingSpec framing() {
        return FramingSpec.Binary.fixed(new byte[] {(byte) 0xAA, (byte) 0xC0}, 10, new byte[] {(byte) 0xAB},
                new FramingSpec.Checksum(FramingSpec.Checksum.Kind.SUM, 2, 2, 1));
    }

    @Override
    public FrameMapper mapper() {
        BigDecimal tenth = new BigDecimal("0.1");
        return BinaryMapping.mapper(List.of(
                new BinaryField(new FieldRule("pm2.5", "numeric", "µg/m³", tenth, BigDecimal.ZERO, 1, false), 2, 2, false, false),
                new BinaryField(new FieldRule("pm10", "numeric", "µg/m³", tenth, BigDecimal.ZERO, 1, false), 4, 2, false, false),
                new BinaryField(new FieldRule("device-id", "integer", "", BigDecimal.ONE, BigDecimal.ZERO, null, false), 6, 2, false, false)));
    }
}
