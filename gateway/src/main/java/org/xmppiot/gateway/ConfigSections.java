package org.xmppiot.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import org.xmppiot.gateway.config.GatewayConfig;

/**
 * The sections in which two configurations differ, and which of them a running gateway takes without a restart: things
 * (thing by thing), access, observe and http are applied to their part alone and the XMPP session stays up; a changed
 * account, store, bus or discovery section restarts the gateway in its process.
 */
final class ConfigSections {

    /** Applied to the running gateway, part by part. */
    static final List<String> LIVE = List.of("things", "access", "observe", "http");

    private record Section(String name, Function<GatewayConfig, Object> part) {
    }

    private static final List<Section> ALL = List.of(
            new Section("xmpp", GatewayConfig::xmpp),
            new Section("access", GatewayConfig::access),
            new Section("things", GatewayConfig::things),
            new Section("bus", GatewayConfig::busQueueCapacity),
            new Section("store", GatewayConfig::store),
            new Section("observe", GatewayConfig::observe),
            new Section("discovery", GatewayConfig::discovery),
            new Section("http", GatewayConfig::http));

    private ConfigSections() {
    }

    /** The names of the sections that differ, in the order of a configuration file. */
    static List<String> changed(GatewayConfig now, GatewayConfig next) {
        List<String> out = new ArrayList<>();
        for (Section s : ALL) {
            if (!Objects.equals(s.part().apply(now), s.part().apply(next))) {
                out.add(s.name());
            }
        }
        return out;
    }

    /** The changed sections that only a restart applies; empty when everything can be taken live. */
    static List<String> needingRestart(GatewayConfig now, GatewayConfig next) {
        return changed(now, next).stream().filter(name -> !LIVE.contains(name)).toList();
    }
}
