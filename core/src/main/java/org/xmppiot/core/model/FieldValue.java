package org.xmppiot.core.model;

import java.math.BigDecimal;
import java.util.Objects;

/** The typed value of one field of a reading; the closed set follows XEP-0323's field types. */
public sealed interface FieldValue
        permits FieldValue.NumericValue, FieldValue.BooleanValue, FieldValue.IntegerValue, FieldValue.StringValue {

    /**
     * A measured quantity. The decimal's scale is the number of decimals the device reported,
     * which XEP-0323 asks every party to keep (23.40 is not 23.4).
     */
    record NumericValue(BigDecimal value, String unit) implements FieldValue {
        public NumericValue {
            Objects.requireNonNull(value, "value");
            unit = unit == null ? "" : unit;
        }

        public static NumericValue of(double value, int decimals, String unit) {
            return new NumericValue(BigDecimal.valueOf(value).setScale(decimals, java.math.RoundingMode.HALF_UP), unit);
        }
    }

    /** An on/off state: a switch, a contact, a relay. */
    record BooleanValue(boolean value) implements FieldValue {
    }

    /** A whole number without unit, such as a counter. Written as XEP-0323 int or long by its size. */
    record IntegerValue(long value) implements FieldValue {
        public boolean fitsInt() {
            return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE;
        }
    }

    /** Free text, such as a firmware version or a state name. */
    record StringValue(String value) implements FieldValue {
        public StringValue {
            Objects.requireNonNull(value, "value");
        }
    }
}
