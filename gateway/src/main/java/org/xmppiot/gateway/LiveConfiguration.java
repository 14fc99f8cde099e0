package org.xmppiot.gateway;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.jxmpp.stringprep.XmppStringprepException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.config.ConfigException;
import org.xmppiot.gateway.access.AccessPolicy;
import org.xmppiot.gateway.config.GatewayConfig;
import org.xmppiot.gateway.http.LocalViews;
import org.xmppiot.gateway.http.ViewedGateway;
import org.xmppiot.gateway.store.ReadingStore;

/**
 * The configuration a gateway runs, and the sections it takes while running ({@link ConfigSections#LIVE}), each applied
 * to its part: things thing by thing, access and observe to the XMPP features, http by restarting the local views,
 * which this keeps.
 */
final class LiveConfiguration {

    private static final Logger log = LoggerFactory.getLogger(LiveConfiguration.class);

    /** What {@link #apply} did: the things it changed, and the other sections it applied. */
    record Changes(ConfiguredThings.Changes things, List<String> sections) {
        @Override
        public String toString() {
            return things + (sections.isEmpty() ? "" : "; applied live: " + String.join(", ", sections));
        }
    }

    private volatile GatewayConfig config;
    private final ConfiguredThings configured;
    private final Supplier<XmppFeatures> features;
    private LocalViews views;

    LiveConfiguration(GatewayConfig config, ConfiguredThings configured, Supplier<XmppFeatures> features) {
        this.config = config;
        this.configured = configured;
        this.features = features;
    }

    GatewayConfig config() {
        return config;
    }

    /**
     * Unchanged things keep running untouched, removed ones stop, changed ones restart alone, added ones start; a new
     * access policy holds from the next stanza; observe settings hold for the next events; the local views restart on
     * their new address. New drivers are made (and so checked) before anything stops; if a thing then does not start,
     * the exception says which.
     */
    synchronized Changes apply(GatewayConfig next, ViewedGateway viewed, ReadingStore store)
            throws ConfigException, GatewayStartException, XmppStringprepException {
        AccessPolicy.of(next.access()); // A JID that is no address is refused before anything changes.
        ConfiguredThings.Changes changes = configured.apply(next.things());
        List<String> live = new ArrayList<>(ConfigSections.changed(config, next));
        live.remove("things");
        config = next;
        if (live.contains("access")) {
            features.get().accessChanged(next.access());
        }
        if (live.contains("observe")) {
            features.get().observeChanged(next.observe());
        }
        if (live.contains("http")) {
            stopViews();
            startViews(viewed, store);
        }
        return new Changes(changes, live);
    }

    /** The page and metrics are a view: when their port is taken, the gateway says so and goes on reading and publishing. */
    synchronized void startViews(ViewedGateway viewed, ReadingStore store) {
        if (!config.http().enabled()) {
            return;
        }
        try {
            views = LocalViews.start(config.http(), viewed, store);
        } catch (IOException e) {
            log.error("cannot serve the status page on {}:{}: {}; the gateway runs without it (choose another http.port)",
                    config.http().bind(), config.http().port(), e.getMessage());
        }
    }

    /** Where the page is served and, over HTTPS, its certificate's fingerprint; null without a page. */
    synchronized String page() {
        return views == null ? null : views.describe();
    }

    synchronized LocalViews views() {
        return views;
    }

    synchronized void stopViews() {
        if (views != null) {
            views.close();
            views = null;
        }
    }
}
