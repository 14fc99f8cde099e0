package org.xmppiot.mappings.binary;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.spi.FrameMapper;
import org.xmppiot.core.spi.FrameMapperFactory;
import org.xmppiot.mappings.rules.FieldRule;
import org.xmppiot.mappings.rules.FieldRules;

/**
 * {@code type: binary}: numbers at fixed places of a binary frame. Each field has {@code position}
 * (0 is the frame's first byte), {@code width} (1, 2 or 4 bytes, default 2), {@code endian} (big or
 * little, default big) and {@code signed} (default false), then scale, offset and unit as usual.
 */
public final class BinaryMapping implements FrameMapperFactory {

    @Override
    public String type() {
        return "binary";
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of("fields");
    }

    @Override
    public FrameMapper create(ConfigNode mapping) throws ConfigException {
        List<FieldRule> rules = FieldRules.read(mapping, Set.of("position", "width", "endian", "signed"));
        List<ConfigNode> items = mapping.list("fields");
        List<BinaryField> fields = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            ConfigNode f = items.get(i);
            if (!f.has("position")) {
                throw f.error("a binary field needs its position (0 is the frame's first byte)");
            }
            int position = f.integer("position", 0, 0, 65535);
            int width = Integer.parseInt(f.choice("width", "2", "1", "2", "4"));
            boolean big = f.choice("endian", "big", "big", "little").equals("big");
            fields.add(new BinaryField(rules.get(i), position, width, big, f.bool("signed", false)));
        }
        return mapper(fields);
    }

    /** A mapper reading {@code fields} from each frame; also what the stock profiles are made of. */
    public static FrameMapper mapper(List<BinaryField> fields) {
        List<BinaryField> copy = List.copyOf(fields);
        return frame -> {
            byte[] bytes = frame.bytes();
            List<Field> out = new ArrayList<>(copy.size());
            for (BinaryField f : copy) {
                out.add(f.read(bytes));
            }
            return out;
        };
    }
}
