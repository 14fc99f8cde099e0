package org.xmppiot.mappings.text;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Frame;
import org.xmppiot.core.spi.FrameMapper;
import org.xmppiot.core.spi.FrameRejectedException;

/**
 * NMEA 0183 position sentences from GPS receivers: GGA (fix, satellites, altitude) and RMC (position,
 * speed, course), from any talker (GP, GN, GL, GA, ...). The checksum after {@code *} is checked;
 * positions become signed decimal degrees. Other sentences are rejected as {@code other-sentence}.
 */
public final class NmeaSentences implements FrameMapper {

    private static final String DEGREES = "°";

    @Override
    public List<Field> map(Frame frame) throws FrameRejectedException {
        String line = frame.text().strip();
        String[] f = checkedFields(line);
        String type = f[0].length() >= 5 ? f[0].substring(f[0].length() - 3) : "";
        List<Field> out = new ArrayList<>();
        switch (type) {
            case "GGA" -> {
                need(f, 10, line);
                int quality = integer(f[6], "fix quality");
                out.add(Field.readout("fix-quality", new FieldValue.IntegerValue(quality)));
                out.add(Field.readout("satellites", new FieldValue.IntegerValue(f[7].isEmpty() ? 0 : integer(f[7], "satellites"))));
                if (quality > 0) {
                    position(f[2], f[3], f[4], f[5], out);
                    optional(out, "hdop", f[8], "");
                    optional(out, "altitude", f[9], "m");
                }
            }
            case "RMC" -> {
                need(f, 9, line);
                boolean valid = "A".equals(f[2]);
                out.add(Field.readout("valid", new FieldValue.BooleanValue(valid)));
                if (valid) {
                    position(f[3], f[4], f[5], f[6], out);
                    optional(out, "speed", f[7], "kn");
                    optional(out, "course", f[8], DEGREES);
                }
            }
            default -> throw new FrameRejectedException("other-sentence", "not a GGA or RMC sentence: " + f[0]);
        }
        return out;
    }

    /** The comma-separated fields of a sentence whose checksum is right. */
    private static String[] checkedFields(String line) throws FrameRejectedException {
        int star = line.lastIndexOf('*');
        if (!line.startsWith("$") || star < 0 || star + 3 != line.length()) {
            throw new FrameRejectedException("no-match", "not an NMEA sentence ($...*hh)");
        }
        int sum = 0;
        for (int i = 1; i < star; i++) {
            sum ^= line.charAt(i);
        }
        int stated;
        try {
            stated = Integer.parseInt(line.substring(star + 1), 16);
        } catch (NumberFormatException e) {
            throw new FrameRejectedException("bad-checksum", "the checksum '" + line.substring(star + 1) + "' is not hex");
        }
        if (stated != sum) {
            throw new FrameRejectedException("bad-checksum", String.format("checksum %02X stated, %02X computed", stated, sum));
        }
        return line.substring(1, star).split(",", -1);
    }

    private static void need(String[] f, int count, String line) throws FrameRejectedException {
        if (f.length < count) {
            throw new FrameRejectedException("missing-field", "too few fields in " + line);
        }
    }

    /** ddmm.mmmm with a hemisphere becomes signed decimal degrees, to six decimals (about 0.1 m). */
    private static void position(String lat, String ns, String lon, String ew, List<Field> out) throws FrameRejectedException {
        if (lat.isEmpty() || lon.isEmpty()) {
            return;
        }
        out.add(Field.readout("latitude", new FieldValue.NumericValue(degrees(lat, 2, "S".equals(ns)), DEGREES)));
        out.add(Field.readout("longitude", new FieldValue.NumericValue(degrees(lon, 3, "W".equals(ew)), DEGREES)));
    }

    private static BigDecimal degrees(String value, int degreeDigits, boolean negative) throws FrameRejectedException {
        try {
            BigDecimal whole = new BigDecimal(value.substring(0, degreeDigits));
            BigDecimal minutes = new BigDecimal(value.substring(degreeDigits));
            BigDecimal d = whole.add(minutes.divide(BigDecimal.valueOf(60), 6, RoundingMode.HALF_UP));
            return negative ? d.negate() : d;
        } catch (RuntimeException e) {
            throw new FrameRejectedException("bad-number", "'" + value + "' is not a position");
        }
    }

    private static void optional(List<Field> out, String name, String value, String unit) throws FrameRejectedException {
        if (value.isEmpty()) {
            return;
        }
        try {
            out.add(Field.readout(name, new FieldValue.NumericValue(new BigDecimal(value), unit)));
        } catch (NumberFormatException e) {
            throw new FrameRejectedException("bad-number", name + " '" + value + "' is not a number");
        }
    }

    private static int integer(String value, String what) throws FrameRejectedException {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new FrameRejectedException("bad-number", what + " '" + value + "' is not a number");
        }
    }
}
