package org.xmppiot.core.spi;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.xmppiot.core.model.ThingStatus;

/** A context that shares with nobody and reports bridges to nobody. */
final class StandaloneDriverContext implements DriverContext {

    private final Map<Class<?>, Object> shared = new ConcurrentHashMap<>();

    @Override
    public <T> T shared(Class<T> type, Supplier<T> make) {
        return type.cast(shared.computeIfAbsent(type, t -> make.get()));
    }

    @Override
    public void bridgeStatus(String bridgeId, ThingStatus status) {
    }

    @Override
    public void bridgeGone(String bridgeId) {
    }
}
