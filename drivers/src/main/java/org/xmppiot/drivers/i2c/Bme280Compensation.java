package org.xmppiot.drivers.i2c;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The datasheet's fixed-point compensation (BME280 datasheet 4.2.3: 32-bit temperature and humidity,
 * 64-bit pressure), kept exactly as specified so results match the manufacturer's to the last digit.
 */
final class Bme280Compensation {

    /** Raw value the sensor reports for a measurement that was skipped. */
    static final int SKIPPED_TP = 0x80000;
    static final int SKIPPED_H = 0x8000;

    private final Bme280Calibration c;

    Bme280Compensation(Bme280Calibration c) {
        this.c = c;
    }

    /** The fine temperature the pressure and humidity formulas need. */
    int tFine(int adcT) {
        int var1 = (((adcT >> 3) - (c.t1() << 1)) * c.t2()) >> 11;
        int var2 = (((((adcT >> 4) - c.t1()) * ((adcT >> 4) - c.t1())) >> 12) * c.t3()) >> 14;
        return var1 + var2;
    }

    /** °C with two decimals. */
    BigDecimal temperature(int tFine) {
        return BigDecimal.valueOf((tFine * 5 + 128) >> 8, 2);
    }

    /** hPa with two decimals; null if the calibration makes the formula divide by zero (a broken chip). */
    BigDecimal pressure(int adcP, int tFine) {
        long var1 = (long) tFine - 128000;
        long var2 = var1 * var1 * c.p6();
        var2 = var2 + ((var1 * c.p5()) << 17);
        var2 = var2 + ((long) c.p4() << 35);
        var1 = ((var1 * var1 * c.p3()) >> 8) + ((var1 * c.p2()) << 12);
        var1 = ((1L << 47) + var1) * c.p1() >> 33;
        if (var1 == 0) {
            return null;
        }
        long p = 1048576 - adcP;
        p = (((p << 31) - var2) * 3125) / var1;
        var1 = ((long) c.p9() * (p >> 13) * (p >> 13)) >> 25;
        var2 = ((long) c.p8() * p) >> 19;
        p = ((p + var1 + var2) >> 8) + ((long) c.p7() << 4);
        // p is Pa in Q24.8: Pa = p / 256, hPa = p / 25600.
        return BigDecimal.valueOf(p).divide(BigDecimal.valueOf(25600), 2, RoundingMode.HALF_UP);
    }

    /** %RH with one decimal. */
    BigDecimal humidity(int adcH, int tFine) {
        int v = tFine - 76800;
        v = ((((adcH << 14) - (c.h4() << 20) - (c.h5() * v)) + 16384) >> 15)
                * (((((((v * c.h6()) >> 10) * (((v * c.h3()) >> 11) + 32768)) >> 10) + 2097152) * c.h2() + 8192) >> 14);
        v = v - (((((v >> 15) * (v >> 15)) >> 7) * c.h1()) >> 4);
        v = Math.max(0, Math.min(v, 419430400));
        // v >> 12 is %RH in Q22.10.
        return BigDecimal.valueOf(v >> 12).divide(BigDecimal.valueOf(1024), 1, RoundingMode.HALF_UP);
    }
}
