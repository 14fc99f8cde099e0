package org.xmppiot.core.spi;

import java.util.HashSet;
import java.util.Set;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;

/** The frame mapper factories on the class path, by type. */
public final class MapperRegistry {

    private final ServiceCatalog<FrameMapperFactory> factories;

    private MapperRegistry(ServiceCatalog<FrameMapperFactory> factories) {
        this.factories = factories;
    }

    public static MapperRegistry fromClassPath() {
        return new MapperRegistry(ServiceCatalog.fromClassPath(FrameMapperFactory.class, FrameMapperFactory::type, "mapping type"));
    }

    /** A mapper for a {@code mapping:} section, whose {@code type} names the factory. */
    public FrameMapper create(ConfigNode mapping) throws ConfigException {
        if (!mapping.isPresent() || mapping.keys().isEmpty()) {
            throw mapping.error("a mapping is required: a section with a type (" + String.join(", ", factories.names())
                    + ") and its rules");
        }
        mapping.string("type");
        FrameMapperFactory f = factories.find(mapping.get("type"));
        Set<String> allowed = new HashSet<>(f.settingKeys());
        allowed.add("type");
        mapping.expectOnlyKeys(allowed);
        return f.create(mapping);
    }
}
