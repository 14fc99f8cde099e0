package org.xmppiot.gateway;

import org.jxmpp.stringprep.XmppStringprepException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.bus.ReadingBus;
import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.core.thing.ThingRegistry;
import org.xmppiot.discovery.MdnsDiscovery;
import org.xmppiot.gateway.access.AccessPolicy;
import org.xmppiot.gateway.adhoc.ConfigReplacer;
import org.xmppiot.gateway.config.GatewayConfig;
import org.xmppiot.gateway.health.Health;
import org.xmppiot.gateway.health.HealthText;
import org.xmppiot.gateway.http.LocalViews;
import org.xmppiot.gateway.observe.ObserveService;
import org.xmppiot.gateway.pubsub.PubSubPublisher;
import org.xmppiot.gateway.qos.QosSender;
import org.xmppiot.gateway.store.ReadingStore;
import org.xmppiot.gateway.store.StoreException;
import org.xmppiot.gateway.store.StoreWriter;
import org.xmppiot.gateway.xmpp.XmppUplink;

/**
 * The running gateway, and the one place where its parts are put together: the thing registry runs the drivers, which
 * feed the bus; the bus feeds the {@link ReadingPath} (store, then pub/sub) and the {@link XmppFeatures}; the health
 * probe tells every view how it all goes. A new configuration that changes only things, access, observe or http is
 * applied part by part ({@link #applyLive}); the session stays up.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final LiveConfiguration live;
    private final ConfigReplacer replacer;
    private final ReadingBus bus = new ReadingBus();
    private final ThingRegistry things = new ThingRegistry(bus);
    private final ConfiguredThings configured;
    private XmppFeatures features;
    private ReadingPath path;
    private HealthProbe probe;
    private NetworkThings network;
    private boolean closed;

    public Gateway(GatewayConfig config, DriverRegistry drivers) {
        this(config, drivers, null);
    }

    /** With a {@code replacer}, owners may replace the configuration by ad-hoc command. */
    public Gateway(GatewayConfig config, DriverRegistry drivers, ConfigReplacer replacer) {
        this.replacer = replacer;
        this.configured = new ConfiguredThings(drivers, things, id -> features.provisioner.ensure(id));
        this.live = new LiveConfiguration(config, configured, () -> features);
    }

    public GatewayConfig config() {
        return live.config();
    }

    /**
     * Opens the store, connects and starts every driver. Returns at once; the connection comes up in
     * the background, and what the store holds from an earlier run is published first.
     */
    public synchronized void start() throws ConfigException, XmppStringprepException, StoreException, GatewayStartException {
        GatewayConfig config = live.config();
        AccessPolicy.of(config.access()); // A JID that is no address is refused before anything opens.
        configured.register(config.things()); // Before the features: stored observations are kept for the things there are.
        ReadingStore store = ReadingStore.open(config.store());
        try {
            features = new XmppFeatures(config, things, bus, store, new Management(things, this::health, this::restartDriver), replacer,
                    this::health, version());
        } catch (StoreException | XmppStringprepException | RuntimeException e) {
            store.close();
            throw e;
        }
        path = new ReadingPath(config, store, bus, things, features.uplink, features.provisioner);
        probe = new HealthProbe(new HealthProbe.Parts(() -> live.config().xmpp(), features.uplink, path.publisher, features.provisioner,
                store, path.writer, bus, things, features.strangers, features.observe, features.onboarding::pendingInvite, features.logins, live::page, features.control,
                features.updates::lastResult), version());
        path.start();
        features.uplink.start();
        try {
            if (config.discovery().enabled()) {
                network = NetworkThings.start(config, things, features.provisioner::ensure, version());
            }
            configured.startAll();
        } catch (GatewayStartException e) {
            close(); // Nothing half-started is left behind: what did start is stopped again.
            throw e;
        }
        live.startViews(probe, store);
        log.info("gateway started things={} node_prefix={} service={} store={}", config.things().size(),
                config.xmpp().pubsub().nodePrefix(), config.xmpp().pubsub().service(), config.store().path());
    }

    /** The status page and metrics server, or null when http is off or could not start. */
    public LocalViews localViews() {
        return live.views();
    }

    /** Applies a configuration that differs in live sections only ({@link ConfigSections}), each to its part, with the session up. */
    public synchronized LiveConfiguration.Changes applyLive(GatewayConfig next)
            throws ConfigException, GatewayStartException, XmppStringprepException {
        if (closed) {
            throw new GatewayStartException("the gateway is stopping", null);
        }
        return live.apply(next, probe, path.store);
    }

    /** Stops one configured thing's driver and starts a new one from the same section; null when it runs again, else why not. */
    public synchronized String restartDriver(String thingId) {
        return closed ? "the gateway is stopping" : configured.restart(thingId);
    }

    /** Every thing with its status, channels and driver. */
    public ThingRegistry things() {
        return things;
    }

    /** How the gateway is doing now: what every view (chat and ad-hoc status, page, JSON, /metrics, fleet beacon) renders. */
    public Health health() {
        return probe.health();
    }

    /** A few lines on how the gateway is doing, for people (chat {@code status}). */
    public String status() {
        return HealthText.of(health());
    }

    private static String version() {
        String v = Gateway.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    public MdnsDiscovery discovery() {
        return network == null ? null : network.discovery();
    }

    public ReadingBus bus() {
        return bus;
    }

    public XmppUplink uplink() {
        return features.uplink;
    }

    public PubSubPublisher publisher() {
        return path.publisher;
    }

    public StoreWriter storeWriter() {
        return path.writer;
    }

    public ObserveService observe() {
        return features.observe;
    }

    public QosSender qos() {
        return features.qos;
    }

    /**
     * Stops the drivers first and commits what they read; then, while connected, gives the outbox a
     * bounded time to empty before the connection closes. What is left stays in the store for the
     * next start.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        live.stopViews();
        if (features != null) {
            features.stopBeacon();
        }
        if (network != null) {
            network.close();
        }
        things.close();
        try {
            if (path != null) {
                path.finish(features.uplink.isReady());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (features != null) {
            features.close();
        }
        bus.close();
        if (path != null) {
            path.close();
        }
    }
}
