package org.xmppiot.mappings.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.Frame;
import org.xmppiot.core.spi.FrameMapper;
import org.xmppiot.core.spi.FrameMapperFactory;
import org.xmppiot.core.spi.FrameRejectedException;
import org.xmppiot.mappings.rules.FieldRule;
import org.xmppiot.mappings.rules.FieldRules;

/**
 * {@code type: regex}: a regular expression with named groups; each field takes the group of its
 * name (or {@code group:}). A field whose group did not take part in the match is left out when
 * {@code optional}, otherwise the frame is rejected.
 */
public final class RegexMapping implements FrameMapperFactory {

    @Override
    public String type() {
        return "regex";
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of("pattern", "fields");
    }

    private static final Pattern GROUP_NAME = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

    /** Named groups of a pattern (Java 17 has no API for them). */
    static Set<String> namedGroups(Pattern pattern) {
        Set<String> names = new java.util.HashSet<>();
        Matcher m = GROUP_NAME.matcher(pattern.pattern());
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Override
    public FrameMapper create(ConfigNode mapping) throws ConfigException {
        Pattern pattern;
        try {
            pattern = Pattern.compile(mapping.string("pattern"));
        } catch (PatternSyntaxException e) {
            throw mapping.get("pattern").error("not a valid regular expression: " + e.getDescription() + " near position " + e.getIndex());
        }
        List<FieldRule> rules = FieldRules.read(mapping, Set.of("group"));
        List<String> groups = new ArrayList<>();
        for (ConfigNode f : mapping.list("fields")) {
            String group = f.string("group", f.string("name"));
            if (!namedGroups(pattern).contains(group)) {
                throw f.error("the pattern has no group named '" + group + "'; write (?<" + group + ">...) in it");
            }
            groups.add(group);
        }
        return frame -> {
            Matcher m = pattern.matcher(frame.text());
            if (!m.find()) {
                throw new FrameRejectedException("no-match", "does not match the pattern");
            }
            List<Field> fields = new ArrayList<>(rules.size());
            for (int i = 0; i < rules.size(); i++) {
                String raw = m.group(groups.get(i));
                if (raw == null) {
                    if (rules.get(i).optional()) {
                        continue;
                    }
                    throw new FrameRejectedException("missing-field", "field '" + rules.get(i).name() + "' is not in the frame");
                }
                fields.add(rules.get(i).apply(raw));
            }
            return fields;
        };
    }
}
