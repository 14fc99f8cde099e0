package org.xmppiot.core.spi;

import java.util.HashSet;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;

/** The frame mapper factories on the class path, by type. */
public final class MapperRegistry {

    private final Map<String, FrameMapperFactory> factories = new TreeMap<>();

    public MapperRegistry(Iterable<FrameMapperFactory> found) {
        for (FrameMapperFactory f : found) {
            if (factories.putIfAbsent(f.type(), f) != null) {
                throw new IllegalStateException("two frame mapper factories have the type '" + f.type() + "'");
            }
        }
    }

    public static MapperRegistry fromClassPath() {
        return new MapperRegistry(ServiceLoader.load(FrameMapperFactory.class));
    }

    /** A mapper for a {@code mapping:} section, whose {@code type} names the factory. */
    public FrameMapper create(ConfigNode mapping) throws ConfigException {
        if (!mapping.isPresent() || mapping.keys().isEmpty()) {
            throw mapping.error("a mapping is required: a section with a type (" + String.join(", ", factories.keySet())
                    + ") and its rules");
        }
        ConfigNode typeNode = mapping.get("type");
        String type = mapping.string("type");
        FrameMapperFactory f = factories.get(type);
        if (f == null) {
            throw typeNode.error("no mapping type '" + type + "'; available: " + String.join(", ", factories.keySet()));
        }
        Set<String> allowed = new HashSet<>(f.settingKeys());
        allowed.add("type");
        mapping.expectOnlyKeys(allowed);
        return f.create(mapping);
    }
}
