package org.xmppiot.mappings.text;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Frame;
import org.xmppiot.core.spi.FrameMapper;
import org.xmppiot.core.spi.FrameRejectedException;

/**
 * Lines that name or number their own values, as boards print them when nobody wrote a mapping:
 * JSON objects ({@code {"t":21.5,"door":true}}: each top-level value becomes a field of its key) or
 * comma-separated numbers ({@code 21.5,40}: fields {@code value1}, {@code value2}, ...). No units.
 */
public final class SelfDescribingLines {

    private SelfDescribingLines() {
    }

    public static FrameMapper json() {
        return frame -> {
            Object doc;
            try {
                doc = JsonTree.read(frame.bytes());
            } catch (java.io.IOException e) {
                throw new FrameRejectedException("bad-json", "not a JSON object");
            }
            if (!(doc instanceof Map<?, ?> object) || object.isEmpty()) {
                throw new FrameRejectedException("bad-json", "not a JSON object with values");
            }
            List<Field> fields = new ArrayList<>();
            for (Map.Entry<?, ?> e : object.entrySet()) {
                String key = (String) e.getKey();
                if (e.getValue() instanceof Boolean b) {
                    fields.add(Field.readout(key, new FieldValue.BooleanValue(b)));
                } else if (e.getValue() instanceof BigDecimal number) {
                    fields.add(Field.readout(key, new FieldValue.NumericValue(number, "")));
                } else if (e.getValue() instanceof String text) {
                    fields.add(Field.readout(key, new FieldValue.StringValue(text)));
                }
                // Nested objects and arrays need a json mapping with paths; they are left out here.
            }
            if (fields.isEmpty()) {
                throw new FrameRejectedException("missing-field", "no plain values in the object");
            }
            return fields;
        };
    }

    public static FrameMapper csv() {
        return (Frame frame) -> {
            String[] values = frame.text().strip().split(",", -1);
            List<Field> fields = new ArrayList<>(values.length);
            for (int i = 0; i < values.length; i++) {
                try {
                    fields.add(Field.readout("value" + (i + 1), new FieldValue.NumericValue(new BigDecimal(values[i].trim()), "")));
                } catch (NumberFormatException e) {
                    throw new FrameRejectedException("bad-number", "column " + (i + 1) + " '" + values[i].trim() + "' is not a number");
                }
            }
            return fields;
        };
    }
}
