package org.xmppiot.drivers.simulated;

import org.xmppiot.core.model.Channel;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;

/** One field of a simulated thing: a waveform turned into a value of the configured type and unit. */
record SimulatedField(String name, String type, String unit, int decimals, double midpoint, Waveform waveform) {

    /** What this field declares before its first sample. */
    Channel channel() {
        return switch (type) {
            case "boolean" -> Channel.bool(name);
            case "integer" -> Channel.integer(name, unit);
            default -> Channel.number(name, unit, decimals);
        };
    }

    Field sample(double seconds) {
        double v = waveform.valueAt(seconds);
        FieldValue value = switch (type) {
            case "boolean" -> new FieldValue.BooleanValue(v > midpoint);
            case "integer" -> new FieldValue.IntegerValue(Math.round(v));
            default -> FieldValue.NumericValue.of(v, decimals, unit);
        };
        return Field.readout(name, value);
    }
}
