package org.xmppiot.core.spi;

/**
 * A device model that users can name in one line ({@code profile: pms5003}): its line settings,
 * how its frames are cut, and what its fields mean. Found with {@link java.util.ServiceLoader}.
 */
public interface DeviceProfile {

    /** The value of {@code profile:}, e.g. {@code pms5003}. */
    String name();

    /** One line for people: maker, model, what it measures. */
    String description();

    /** The baud rate the device speaks by default. */
    int baud();

    FramingSpec framing();

    /** A new mapper for one thing (mappers are used from one thread). */
    FrameMapper mapper();

    /** For devices that only answer when asked: how to ask. Empty for devices that send by themselves. */
    default java.util.Optional<Poll> poll() {
        return java.util.Optional.empty();
    }
}
