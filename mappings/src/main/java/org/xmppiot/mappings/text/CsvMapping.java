package org.xmppiot.mappings.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.spi.FrameMapper;
import org.xmppiot.core.spi.FrameMapperFactory;
import org.xmppiot.core.spi.FrameRejectedException;
import org.xmppiot.mappings.rules.FieldRule;
import org.xmppiot.mappings.rules.FieldRules;

/**
 * {@code type: csv}: a line of values split by {@code separator} (default {@code ,}); each field
 * takes the value in its {@code column}, counted from 1.
 */
public final class CsvMapping implements FrameMapperFactory {

    @Override
    public String type() {
        return "csv";
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of("separator", "fields");
    }

    @Override
    public FrameMapper create(ConfigNode mapping) throws ConfigException {
        String separator = mapping.has("separator") ? mapping.get("separator").asString() : ",";
        if (separator.isEmpty()) {
            throw mapping.get("separator").error("must not be empty");
        }
        Pattern split = Pattern.compile(Pattern.quote(separator));
        // String.split takes a one-character separator without a regex matcher (and its objects) per line.
        String oneChar = separator.length() == 1 ? (".$|()[{^?*+\\".indexOf(separator.charAt(0)) >= 0 ? "\\" : "") + separator : null;
        List<FieldRule> rules = FieldRules.read(mapping, Set.of("column"));
        int[] columns = new int[rules.size()];
        List<ConfigNode> items = mapping.list("fields");
        for (int i = 0; i < columns.length; i++) {
            if (!items.get(i).has("column")) {
                throw items.get(i).error("a csv field needs its column (1 is the first)");
            }
            columns[i] = items.get(i).integer("column", 1, 1, 1000);
        }
        return frame -> {
            String line = frame.text().strip();
            String[] values = oneChar != null ? line.split(oneChar, -1) : split.split(line, -1);
            List<Field> fields = new ArrayList<>(rules.size());
            for (int i = 0; i < columns.length; i++) {
                if (columns[i] > values.length || values[columns[i] - 1].isBlank()) {
                    if (rules.get(i).optional()) {
                        continue;
                    }
                    throw new FrameRejectedException("missing-column", "field '" + rules.get(i).name() + "': no value in column "
                            + columns[i] + " of " + values.length);
                }
                fields.add(rules.get(i).apply(values[columns[i] - 1]));
            }
            return fields;
        };
    }
}
