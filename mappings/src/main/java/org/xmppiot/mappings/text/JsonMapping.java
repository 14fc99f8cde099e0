package org.xmppiot.mappings.text;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.spi.FrameMapper;
import org.xmppiot.core.spi.FrameMapperFactory;
import org.xmppiot.core.spi.FrameRejectedException;
import org.xmppiot.mappings.rules.FieldRule;
import org.xmppiot.mappings.rules.FieldRules;

/**
 * {@code type: json}: a JSON document per frame; each field takes the value at its {@code path},
 * a JSON Pointer ({@code /sensors/0/t}) or dotted keys ({@code sensors.0.t}).
 */
public final class JsonMapping implements FrameMapperFactory {

    @Override
    public String type() {
        return "json";
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of("fields");
    }

    @Override
    public FrameMapper create(ConfigNode mapping) throws ConfigException {
        List<FieldRule> rules = FieldRules.read(mapping, Set.of("path"));
        List<JsonPointer> paths = new ArrayList<>();
        for (ConfigNode f : mapping.list("fields")) {
            String path = f.string("path", f.string("name"));
            try {
                paths.add(JsonPointer.compile(path.startsWith("/") ? path : "/" + path.replace('.', '/')));
            } catch (IllegalArgumentException e) {
                throw f.get("path").error("'" + path + "' is not a JSON path: " + e.getMessage());
            }
        }
        return frame -> {
            Object doc;
            try {
                doc = JsonTree.read(frame.bytes());
            } catch (JsonProcessingException e) {
                throw new FrameRejectedException("bad-json", "not JSON: " + e.getOriginalMessage());
            } catch (java.io.IOException e) {
                throw new FrameRejectedException("bad-json", "not JSON: " + e.getMessage());
            }
            if (doc == null) {
                throw new FrameRejectedException("bad-json", "empty frame");
            }
            List<Field> fields = new ArrayList<>(rules.size());
            for (int i = 0; i < rules.size(); i++) {
                Object v = JsonTree.at(doc, paths.get(i));
                if (v == null || v == JsonTree.NULL || v instanceof Map || v instanceof List) {
                    if (rules.get(i).optional()) {
                        continue;
                    }
                    throw new FrameRejectedException("missing-field", "field '" + rules.get(i).name() + "': nothing usable at "
                            + paths.get(i));
                }
                // Numbers keep the digits the device sent (23.40 stays 23.40).
                fields.add(v instanceof BigDecimal number ? rules.get(i).apply(number) : rules.get(i).apply(v.toString()));
            }
            return fields;
        };
    }
}
