package org.xmppiot.gateway;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleConsumer;

import org.jxmpp.stringprep.XmppStringprepException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.bus.BusSubscription;
import org.xmppiot.core.bus.LatestValueCache;
import org.xmppiot.core.bus.ReadingBus;
import org.xmppiot.core.config.ConfigException;
import org.xmppiot.gateway.config.GatewayConfig;
import org.xmppiot.gateway.fleet.StatusBeacon;
import org.xmppiot.gateway.health.Health;
import org.xmppiot.gateway.health.HealthText;
import org.xmppiot.gateway.http.LocalViews;
import org.xmppiot.gateway.http.ViewedGateway;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.core.thing.Thing;
import org.xmppiot.core.thing.ThingRegistry;
import org.xmppiot.gateway.pubsub.NodeProvisioner;
import org.xmppiot.core.spi.DeviceProfile;
import org.xmppiot.core.spi.ProfileRegistry;
import org.xmppiot.discovery.GatewayAnnouncement;
import org.xmppiot.discovery.MdnsDiscovery;
import org.xmppiot.discovery.SmartObjectThings;
import org.xmppiot.gateway.access.AccessPolicy;
import org.xmppiot.gateway.adhoc.CommandResponder;
import org.xmppiot.gateway.adhoc.ConfigReplacer;
import org.xmppiot.gateway.adhoc.ManagedGateway;
import org.xmppiot.gateway.chat.ChatCommands;
import org.xmppiot.gateway.control.ControlService;
import org.xmppiot.gateway.disco.DiscoService;
import org.xmppiot.gateway.sensordata.SensorDataService;
import org.xmppiot.gateway.observe.ObservationStore;
import org.xmppiot.gateway.observe.ObserveChatVerbs;
import org.xmppiot.gateway.observe.ObserveService;
import org.xmppiot.gateway.pubsub.PubSubPublisher;
import org.xmppiot.gateway.qos.QosSender;
import org.xmppiot.gateway.store.ReadingStore;
import org.xmppiot.gateway.store.StoreException;
import org.xmppiot.gateway.store.StoreWriter;
import org.xmppiot.gateway.xmpp.PresenceAccess;
import org.xmppiot.gateway.xmpp.UnparsableStanzas;
import org.xmppiot.gateway.xmpp.Session;
import org.xmppiot.gateway.xmpp.StrangerReplies;
import org.xmppiot.gateway.xmpp.XmppUplink;

/**
 * The running gateway: the thing registry runs the drivers, which feed the bus; the bus feeds the store,
 * the store's outbox feeds the pub/sub publisher, the uplink keeps the XMPP session and each feature
 * answers on it. This is the one place where the parts are put together. A new configuration that
 * changes only things, access, observe or http is applied part by part ({@link #applyLive}); the session stays up.
 */
public final class Gateway implements ManagedGateway, ViewedGateway, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    /** Publishes awaiting their result at once; enough to hide a round trip, small enough for the server. */
    private static final int PUBLISH_WINDOW = 64;
    /** Most readings committed in one transaction. */
    private static final int MAX_COMMIT = 5_000;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

    private volatile GatewayConfig config;
    private final DriverRegistry drivers;
    private final ConfigReplacer replacer;
    private final ReadingBus bus = new ReadingBus();
    private final ThingRegistry things = new ThingRegistry(bus);
    private final ConfiguredThings configured;
    private NodeProvisioner provisioner;
    private AccessPolicy access;
    private HealthProbe probe;
    private ReadingStore store;
    private StoreWriter writer;
    private BusSubscription storing;
    private XmppUplink uplink;
    private StrangerReplies strangers;
    private PubSubPublisher publisher;
    private LocalViews views;
    private StatusBeacon beacon;
    private ObservationStore observationStore;
    private QosSender qos;
    private ObserveService observe;
    private BusSubscription observing;
    private boolean closed;
    private SmartObjectThings smartObjects;
    private volatile MdnsDiscovery discovery;

    public Gateway(GatewayConfig config, DriverRegistry drivers) {
        this(config, drivers, null);
    }

    /** With a {@code replacer}, owners may replace the configuration by ad-hoc command. */
    public Gateway(GatewayConfig config, DriverRegistry drivers, ConfigReplacer replacer) {
        this.config = config;
        this.drivers = drivers;
        this.replacer = replacer;
        this.configured = new ConfiguredThings(drivers, things, id -> provisioner.ensure(id));
    }

    public GatewayConfig config() {
        return config;
    }

    /**
     * Opens the store, connects and starts every driver. Returns at once; the connection comes up in
     * the background, and what the store holds from an earlier run is published first.
     */
    public synchronized void start() throws ConfigException, XmppStringprepException, StoreException, GatewayStartException {
        access = AccessPolicy.of(config.access());
        configured.register(config.things()); // Before the features: stored observations are kept for the things there are.
        store = ReadingStore.open(config.store());
        try {
            observationStore = new ObservationStore(config.store().path());
            qos = new QosSender(this::session, config.observe().retryFor());
            observe = new ObserveService(config.observe(), access, things::ids, bus.latest(), observationStore, qos);
        } catch (SQLException e) {
            throw new StoreException("cannot read the observers' subscriptions from " + config.store().path() + ": " + e.getMessage(), e);
        }
        provisioner = new NodeProvisioner(config.xmpp().pubsub(), access, things);
        CommandResponder commandResponder = new CommandResponder(access,
                CommandResponder.managementCommands(this, replacer));
        SensorDataService readOut = new SensorDataService(access, things::ids, bus.latest(), store);
        strangers = new StrangerReplies(access::mayRead);
        beacon = new StatusBeacon(things, this::health, StatusBeacon.HEARTBEAT);
        uplink = new XmppUplink(config.xmpp(), List.of(provisioner, new PresenceAccess(access), beacon, observe,
                new ChatCommands(access, bus.latest(), things, this::status, List.of(new ObserveChatVerbs(observe))), readOut,
                new ControlService(access, things),
                new DiscoService(access, things, version(), List.of(commandResponder)), commandResponder));
        uplink.limitRepliesToStrangers(strangers);
        publisher = new PubSubPublisher(uplink, config.xmpp().pubsub(), store, PUBLISH_WINDOW, provisioner::ensure, provisioner::target);
        // Items form as readings arrive and are published at once; the writer commits them in group commits.
        writer = new StoreWriter(store, config.xmpp().pubsub().readingsPerItem(), List.of(PubSubPublisher.DESTINATION),
                publisher::offer, publisher::wake, config.store().commitInterval(), MAX_COMMIT);
        storing = bus.subscribeInBatches("store", config.busQueueCapacity(), MAX_COMMIT, Duration.ZERO, writer);
        observing = bus.subscribe("observe", config.busQueueCapacity(), observe);
        probe = new HealthProbe(new HealthProbe.Parts(() -> config.xmpp(), uplink, publisher, provisioner, store, writer, bus, things,
                strangers, observe), version());
        publisher.start();
        uplink.start();
        if (config.discovery().enabled()) {
            startDiscovery();
        }
        try {
            configured.startAll();
        } catch (GatewayStartException e) {
            close(); // Nothing half-started is left behind: what did start is stopped again.
            throw e;
        }
        if (config.http().enabled()) {
            startLocalViews();
        }
        log.info("gateway started things={} node_prefix={} service={} store={}", config.things().size(),
                config.xmpp().pubsub().nodePrefix(), config.xmpp().pubsub().service(), config.store().path());
    }

    /** The page and metrics are a view: when their port is taken, the gateway says so and goes on reading and publishing. */
    private void startLocalViews() {
        try {
            views = LocalViews.start(config.http(), this, store);
        } catch (IOException e) {
            log.error("cannot serve the status page on {}:{}: {}; the gateway runs without it (choose another http.port)",
                    config.http().bind(), config.http().port(), e.getMessage());
        }
    }

    /** The status page and metrics server, or null when http is off or could not start. */
    public LocalViews localViews() {
        return views;
    }

    /** The changed sections of {@code next} that only a restart applies; empty when {@link #applyLive} can take it. */
    public List<String> sectionsNeedingRestart(GatewayConfig next) {
        return ConfigSections.needingRestart(config, next);
    }

    /**
     * Applies a configuration that differs in live sections only ({@link ConfigSections#LIVE}), each to its part:
     * unchanged things keep running untouched, removed ones stop, changed ones restart alone, added ones start; a new
     * access policy holds from the next stanza (node affiliations follow, observers no longer allowed lose their
     * subscriptions); observe settings hold for the next events; the local views restart on their new address. The
     * session, store and observers stay up. New drivers are made (and so checked) before anything stops. If a thing
     * then does not start, the exception says which; the caller applies the old configuration the same way.
     */
    public synchronized LiveChanges applyLive(GatewayConfig next) throws ConfigException, GatewayStartException, XmppStringprepException {
        if (closed) {
            throw new GatewayStartException("the gateway is stopping", null);
        }
        GatewayConfig now = config;
        AccessPolicy.of(next.access()); // A JID that is no address is refused before anything changes.
        ConfiguredThings.Changes changes = configured.apply(next.things());
        List<String> live = new ArrayList<>(ConfigSections.changed(now, next));
        live.remove("things");
        config = next;
        if (live.contains("access") && access.replace(next.access())) {
            provisioner.accessChanged();
            observe.accessChanged();
        }
        if (live.contains("observe")) {
            observe.reconfigure(next.observe());
            qos.giveUpAfter(next.observe().retryFor());
        }
        if (live.contains("http")) {
            if (views != null) {
                views.close();
                views = null;
            }
            if (next.http().enabled()) {
                startLocalViews();
            }
        }
        return new LiveChanges(changes, live);
    }

    /** What {@link #applyLive} did: the things it changed, and the other sections it applied. */
    public record LiveChanges(ConfiguredThings.Changes things, List<String> sections) {
        @Override
        public String toString() {
            return things + (sections.isEmpty() ? "" : "; applied live: " + String.join(", ", sections));
        }
    }

    /** Stops one configured thing's driver and starts a new one from the same section; null when it runs again, else why not. */
    @Override
    public synchronized String restartDriver(String thingId) {
        return closed ? "the gateway is stopping" : configured.restart(thingId);
    }

    /** Smart objects found by mDNS become things: a node each, readings on the bus; the gateway announces itself. */
    private void startDiscovery() throws GatewayStartException {
        DeviceProfile json = ProfileRegistry.fromClassPath().named("json-lines")
                .orElseThrow(() -> new IllegalStateException("the json-lines profile is missing from the class path"));
        smartObjects = new SmartObjectThings(things, config.discovery().pollInterval(), json, o -> {
            things.addDiscovered(o.thingId(), o.instance());
            provisioner.ensure(o.thingId());
        });
        GatewayAnnouncement self = new GatewayAnnouncement("xmpp-iot-gateway " + config.xmpp().jid(), config.xmpp().jid(),
                version(), config.xmpp().pubsub().nodePrefix(), config.things().stream().map(ThingConfig::id).toList());
        try {
            discovery = MdnsDiscovery.start(config.discovery(), self, smartObjects);
        } catch (IOException e) {
            close();
            throw new GatewayStartException("discovery cannot start: " + e.getMessage(), e);
        }
    }

    /** The configured things and those found on the network. */
    @Override
    public Set<String> thingIds() {
        return things.ids();
    }

    /** A thing's human name: its configured name, or the instance name it announced. */
    @Override
    public String title(String thingId) {
        return things.title(thingId);
    }

    /** Every thing with its status, channels and driver. */
    public ThingRegistry things() {
        return things;
    }

    /** How the gateway is doing now: what every view (chat and ad-hoc status, page, JSON, /metrics, fleet beacon) renders. */
    @Override
    public Health health() {
        return probe.snapshot();
    }

    /** A few lines on how the gateway is doing, for people (chat {@code status}). */
    @Override
    public String status() {
        return HealthText.of(health());
    }

    @Override
    public LatestValueCache latest() {
        return bus.latest();
    }

    @Override
    public void measureRoundTrips(DoubleConsumer sink) {
        publisher.measureRoundTrips(sink);
    }

    /** Readings in the store not yet confirmed by the pub/sub service; -1 when the store cannot tell. */
    public long unsent() {
        try {
            return store.unsent(PubSubPublisher.DESTINATION);
        } catch (SQLException e) {
            return -1;
        }
    }

    private static String version() {
        String v = Gateway.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    public MdnsDiscovery discovery() {
        return discovery;
    }

    public ReadingBus bus() {
        return bus;
    }

    /** How replies to strangers are rationed, with what was withheld. */
    public StrangerReplies strangers() {
        return strangers;
    }

    public XmppUplink uplink() {
        return uplink;
    }

    public PubSubPublisher publisher() {
        return publisher;
    }

    public StoreWriter storeWriter() {
        return writer;
    }

    public ObserveService observe() {
        return observe;
    }

    public QosSender qos() {
        return qos;
    }

    /** The current session, or null while there is none. */
    private Session session() {
        return uplink == null ? null : uplink.session();
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
        if (views != null) {
            views.close();
        }
        if (beacon != null) {
            beacon.close();
        }
        if (discovery != null) {
            discovery.close();
        }
        if (smartObjects != null) {
            smartObjects.close();
        }
        things.close();
        try {
            if (storing != null && !storing.drain(DRAIN_TIMEOUT)) {
                log.warn("gateway stopped before the store took every reading: queued={}", storing.stats().queued());
            }
            if (storing != null) {
                storing.close();
                writer.close(); // Commits what the bus handed over.
            }
            if (publisher != null && uplink.isReady() && !publisher.awaitIdle(DRAIN_TIMEOUT)) {
                log.warn("gateway stopped with readings not yet published; they stay in the store for the next start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (observing != null) {
            observing.close();
        }
        if (observe != null) {
            observe.close();
        }
        if (qos != null) {
            qos.close();
        }
        if (uplink != null) {
            uplink.close();
        }
        bus.close();
        if (storing != null) {
            log.info("gateway stopped stored={} published={} failed={} delayed_items={} dropped_by_bus={} dropped_unsent={} lost={}",
                    writer.stored(), publisher.published(), publisher.failed(), publisher.delayed(),
                    storing.stats().dropped(), store.droppedUnsent(), writer.lost());
        }
        if (observationStore != null) {
            observationStore.close();
        }
        if (store != null) {
            store.close();
        }
    }
}
