package org.xmppiot.drivers.onewire;

import java.math.BigDecimal;
import java.util.List;

/**
 * What the kernel's w1_therm driver writes to {@code w1_slave} for a DS18B20: the scratchpad with the
 * kernel's CRC verdict, then the temperature in millidegrees.
 * <pre>
 * 72 01 4b 46 7f ff 0e 10 57 : crc=57 YES
 * 72 01 4b 46 7f ff 0e 10 57 t=23125
 * </pre>
 */
final class W1SlaveFile {

    /** 85 °C is the DS18B20's power-on value: a conversion that never happened (power or timing trouble). */
    static final int POWER_ON_MILLIDEGREES = 85_000;

    /** A temperature in °C with three decimals (the file's millidegrees), or the reason there is none. */
    record Result(BigDecimal celsius, String rejection, String detail) {
        static Result rejected(String kind, String detail) {
            return new Result(null, kind, detail);
        }
    }

    private W1SlaveFile() {
    }

    static Result parse(String content) {
        List<String> lines = content.lines().filter(l -> !l.isBlank()).toList();
        if (lines.size() < 2) {
            return Result.rejected("short-read", "expected two lines, got: '" + content.strip() + "'");
        }
        String crcLine = lines.get(0).strip();
        if (!crcLine.contains("crc=")) {
            return Result.rejected("garbled", "no crc verdict in '" + crcLine + "'");
        }
        if (!crcLine.endsWith("YES")) {
            return Result.rejected("bad-crc", "the kernel reports a CRC mismatch: '" + crcLine + "'");
        }
        String dataLine = lines.get(1).strip();
        int t = dataLine.lastIndexOf("t=");
        if (t < 0) {
            return Result.rejected("garbled", "no t= value in '" + dataLine + "'");
        }
        int millidegrees;
        try {
            millidegrees = Integer.parseInt(dataLine.substring(t + 2).trim());
        } catch (NumberFormatException e) {
            return Result.rejected("garbled", "t= is not a number in '" + dataLine + "'");
        }
        if (millidegrees == POWER_ON_MILLIDEGREES) {
            return Result.rejected("power-on-value", "85.000 °C is the sensor's power-on value, not a measurement");
        }
        if (millidegrees < -55_000 || millidegrees > 125_000) {
            return Result.rejected("out-of-range", millidegrees / 1000.0 + " °C is outside the DS18B20's -55..125 °C");
        }
        return new Result(BigDecimal.valueOf(millidegrees, 3), null, null);
    }
}
