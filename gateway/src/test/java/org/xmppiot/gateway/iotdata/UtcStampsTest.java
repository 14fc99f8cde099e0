package org.xmppiot.gateway.iotdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class UtcStampsTest {

    private static String stamp(Instant t) {
        return UtcStamps.append(new StringBuilder("<"), t).append('>').toString();
    }

    @Test
    void writesWhatInstantToStringWrites() {
        List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.parse("2026-12-04T07:00:00Z"),
                Instant.parse("2026-12-04T23:59:59.999999999Z"), Instant.parse("2026-12-05T00:00:00.000000001Z"),
                Instant.parse("2024-02-29T12:00:00.120Z"), Instant.parse("1969-12-31T23:59:59.5Z"),
                Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999Z"),
                Instant.parse("0999-06-01T01:02:03.000450Z"),
                // Outside four-digit years Instant.toString's own form is kept.
                Instant.parse("-0001-12-31T23:59:59Z"), Instant.parse("+10000-01-01T00:00:00Z"), Instant.MIN, Instant.MAX));
        SplittableRandom random = new SplittableRandom(20261204);
        long now = Instant.parse("2026-12-04T00:00:00Z").getEpochSecond();
        for (int i = 0; i < 20_000; i++) {
            long seconds = i % 2 == 0 ? now + random.nextLong(-3 * 86_400, 3 * 86_400) : random.nextLong(-62_167_219_200L, 253_402_300_800L);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            instants.add(Instant.ofEpochSecond(seconds, nanos));
        }
        for (Instant t : instants) {
            assertThat(stamp(t)).as("%s", t).isEqualTo("<" + t + ">");
        }
    }
}
