package org.xmppiot.mappings.profiles;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.xmppiot.core.spi.DeviceProfile;
import org.xmppiot.core.spi.FrameMapper;
import org.xmppiot.core.spi.FramingSpec;
import org.xmppiot.core.spi.Poll;
import org.xmppiot.mappings.binary.BinaryField;
import org.xmppiot.mappings.binary.BinaryMapping;
import org.xmppiot.mappings.rules.FieldRule;

/**
 * Winsen MH-Z19B CO2 sensor, 9600 8N1, answers only when asked. Datasheet: the read command is
 * {@code FF 01 86 00 00 00 00 00 79}; the answer is {@code FF 86}, CO2 in ppm (high byte, low byte),
 * four more bytes, and a checksum that makes bytes 1..8 sum to zero.
 */
public final class Mhz19bProfile implements DeviceProfile {

    static final byte[] READ_CO2 = {(byte) 0xFF, 0x01, (byte) 0x86, 0, 0, 0, 0, 0, 0x79};

    @Override
    public String name() {
        return "mhz19b";
    }

    @Override
    public String description() {
        return "Winsen MH-Z19B NDIR CO2 sensor (polled)";
    }

    @Override
    public int baud() {
        return 9600;
    }

    @Override
    public FramingSpec framing() {
        return FramingSpec.Binary.fixed(new byte[] {(byte) 0xFF, (byte) 0x86}, 9, null,
                new FramingSpec.Checksum(FramingSpec.Checksum.Kind.NEGATED_SUM, 1, 1, 1));
    }

    @Override
    public FrameMapper mapper() {
        return BinaryMapping.mapper(List.of(new BinaryField(
                new FieldRule("co2", "numeric", "ppm", BigDecimal.ONE, BigDecimal.ZERO, 0, false), 2, 2, true, false)));
    }

    @Override
    public Optional<Poll> poll() {
        return Optional.of(new Poll(READ_CO2, Duration.ofSeconds(5), Duration.ofMillis(500), 2));
    }
}
