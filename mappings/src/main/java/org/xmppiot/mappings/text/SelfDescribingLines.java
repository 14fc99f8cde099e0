package org.xmppiot.mappings.text;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

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
            JsonNode doc;
            try {
                doc = JsonMapping.JSON.readTree(frame.bytes());
            } catch (java.io.IOException e) {
                throw new FrameRejectedException("bad-json", "not a JSON object");
            }
            if (doc == null || !doc.isObject() || doc.isEmpty()) {
                throw new FrameRejectedException("bad-json", "not a JSON object with values");
            }
            List<Field> fields = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                if (v.isBoolean()) {
                    fields.add(Field.readout(e.getKey(), new FieldValue.BooleanValue(v.booleanValue())));
                } else if (v.isNumber()) {
                    fields.add(Field.readout(e.getKey(), new FieldValue.NumericValue(v.decimalValue(), "")));
                } else if (v.isTextual()) {
                    fields.add(Field.readout(e.getKey(), new FieldValue.StringValue(v.textValue())));
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
