package org.xmppiot.mappings.text;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;

/**
 * A JSON frame read by jackson-core's streaming parser into plain values: {@link Map} (keys in order, the last of a
 * repeated key wins), {@link List}, {@link java.math.BigDecimal} with the digits the device sent (23.40 stays 23.40),
 * {@link String}, {@link Boolean} and {@link #NULL}. All a mapping needs, without a data-binding library: loading one
 * for the first JSON line cost the gateway some 300 classes, a few MiB of memory that stay for its whole life.
 */
final class JsonTree {

    /** JSON's {@code null}; a missing value is Java's null. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonTree() {
    }

    /** The frame's first value (what follows it is ignored), or null when it holds none. */
    static Object read(byte[] frame) throws IOException {
        try (JsonParser p = FACTORY.createParser(frame)) {
            JsonToken first = p.nextToken();
            return first == null ? null : value(p, first);
        }
    }

    /** The value at a JSON Pointer: a segment of digits picks an array's element or an object's key. Null if none. */
    static Object at(Object root, JsonPointer pointer) {
        Object node = root;
        for (JsonPointer p = pointer; node != null && !p.matches(); p = p.tail()) {
            if (node instanceof Map<?, ?> object) {
                node = object.get(p.getMatchingProperty());
            } else if (node instanceof List<?> array) {
                int i = p.getMatchingIndex();
                node = i >= 0 && i < array.size() ? array.get(i) : null;
            } else {
                node = null;
            }
        }
        return node;
    }

    private static Object value(JsonParser p, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
                    object.put(key, value(p, next(p)));
                }
                return object;
            }
            case START_ARRAY -> {
                List<Object> array = new ArrayList<>();
                for (JsonToken t = next(p); t != JsonToken.END_ARRAY; t = next(p)) {
                    array.add(value(p, t));
                }
                return array;
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return p.getDecimalValue();
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return NULL;
            }
            default -> throw new JsonParseException(p, "unexpected " + token.asString());
        }
    }

    private static JsonToken next(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new JsonParseException(p, "the document ends before it is complete");
        }
        return t;
    }
}
