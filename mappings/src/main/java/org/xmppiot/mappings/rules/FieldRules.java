package org.xmppiot.mappings.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;

/** Reads the {@code fields:} list of a mapping section into rules with unique names. */
public final class FieldRules {

    private FieldRules() {
    }

    public static List<FieldRule> read(ConfigNode mapping, Set<String> sourceKeys) throws ConfigException {
        List<ConfigNode> items = mapping.list("fields");
        if (items.isEmpty()) {
            throw mapping.get("fields").error("a mapping needs at least one field");
        }
        List<FieldRule> rules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode f : items) {
            FieldRule rule = FieldRule.read(f, sourceKeys);
            if (!names.add(rule.name())) {
                throw f.get("name").error("the field name '" + rule.name() + "' is used twice in this mapping");
            }
            rules.add(rule);
        }
        return rules;
    }
}
