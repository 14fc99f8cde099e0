package org.xmppiot.gateway.iotdata;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Writes an instant exactly as {@link Instant#toString()} does (ISO-8601 in UTC, seconds always, a fraction of 3, 6 or
 * 9 digits when there is one), without the formatter's dates, times and builders it makes for each stamp: every
 * reading of every published item has one. The date is kept for the last day written; years outside 0000-9999 are left
 * to {@code Instant.toString}.
 */
final class UtcStamps {

    private static final long FIRST_SECOND = -62_167_219_200L; // 0000-01-01T00:00:00Z
    private static final long END_SECOND = 253_402_300_800L; // 10000-01-01T00:00:00Z
    private static final int SECONDS_A_DAY = 86_400;

    private record Day(long epochDay, String text) {
    }

    private static volatile Day lastDay = new Day(Long.MIN_VALUE, "");

    private UtcStamps() {
    }

    static StringBuilder append(StringBuilder out, Instant t) {
        long seconds = t.getEpochSecond();
        if (seconds < FIRST_SECOND || seconds >= END_SECOND) {
            return out.append(t);
        }
        long epochDay = Math.floorDiv(seconds, SECONDS_A_DAY);
        int ofDay = (int) Math.floorMod(seconds, SECONDS_A_DAY);
        Day day = lastDay;
        if (day.epochDay() != epochDay) {
            day = new Day(epochDay, LocalDate.ofEpochDay(epochDay).toString());
            lastDay = day;
        }
        out.append(day.text()).append('T');
        digits(out, ofDay / 3600, 2).append(':');
        digits(out, ofDay / 60 % 60, 2).append(':');
        digits(out, ofDay % 60, 2);
        int nano = t.getNano();
        if (nano != 0) {
            out.append('.');
            if (nano % 1_000_000 == 0) {
                digits(out, nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                digits(out, nano / 1000, 6);
            } else {
                digits(out, nano, 9);
            }
        }
        return out.append('Z');
    }

    /** {@code value} with leading zeros to {@code width} digits; {@code value} has no more than that. */
    private static StringBuilder digits(StringBuilder out, int value, int width) {
        for (int unit = tenTo(width - 1); unit > 0; unit /= 10) {
            out.append((char) ('0' + value / unit % 10));
        }
        return out;
    }

    private static int tenTo(int power) {
        int r = 1;
        for (int i = 0; i < power; i++) {
            r *= 10;
        }
        return r;
    }
}
