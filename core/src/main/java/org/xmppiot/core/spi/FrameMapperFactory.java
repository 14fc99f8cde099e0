package org.xmppiot.core.spi;

import java.util.Set;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;

/**
 * Makes frame mappers of one type, found with {@link java.util.ServiceLoader} and chosen by the
 * {@code type:} key of a thing's {@code mapping:} section.
 */
public interface FrameMapperFactory {

    /** The value of {@code mapping.type} that selects this factory, e.g. {@code regex}. */
    String type();

    /** Keys this mapping type reads from the {@code mapping:} section besides {@code type}. */
    Set<String> settingKeys();

    FrameMapper create(ConfigNode mapping) throws ConfigException;
}
