package org.xmppiot.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jxmpp.stringprep.XmppStringprepException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.bus.BusSubscription;
import org.xmppiot.core.bus.ReadingBus;
import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.GatewayConfig;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.spi.Driver;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.gateway.pubsub.NodeProvisioner;
import org.xmppiot.gateway.pubsub.PubSubPublisher;
import org.xmppiot.gateway.xmpp.XmppUplink;

/**
 * The running gateway: drivers feed the bus, the bus feeds the pub/sub publisher, the uplink keeps
 * the XMPP session. This is the one place where the parts are put together.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    /** Publishes awaiting their result at once; enough to hide a round trip, small enough for the server. */
    private static final int PUBLISH_WINDOW = 64;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

    private final GatewayConfig config;
    private final DriverRegistry drivers;
    private final ReadingBus bus = new ReadingBus();
    private final List<Driver> running = new ArrayList<>();
    private XmppUplink uplink;
    private PubSubPublisher publisher;
    private BusSubscription publishing;

    public Gateway(GatewayConfig config, DriverRegistry drivers) {
        this.config = config;
        this.drivers = drivers;
    }

    /** Connects and starts every driver. Returns at once; the connection comes up in the background. */
    public synchronized void start() throws ConfigException, XmppStringprepException {
        List<Driver> created = new ArrayList<>();
        for (ThingConfig thing : config.things()) {
            created.add(drivers.find(thing.section().get("driver")).create(thing));
        }
        uplink = new XmppUplink(config.xmpp(), List.of(new NodeProvisioner(config.xmpp().pubsub(), config.access(), config.things())));
        publisher = new PubSubPublisher(uplink, config.xmpp().pubsub(), PUBLISH_WINDOW);
        publishing = bus.subscribe("pubsub", config.busQueueCapacity(), publisher);
        uplink.start();
        for (Driver d : created) {
            d.start(bus);
            running.add(d);
        }
        log.info("gateway started things={} node_prefix={} service={}", config.things().size(),
                config.xmpp().pubsub().nodePrefix(), config.xmpp().pubsub().service());
    }

    public ReadingBus bus() {
        return bus;
    }

    public XmppUplink uplink() {
        return uplink;
    }

    public PubSubPublisher publisher() {
        return publisher;
    }

    /**
     * Stops the drivers first, then gives the readings already taken a bounded time to be
     * published before the connection closes.
     */
    @Override
    public synchronized void close() {
        for (Driver d : running) {
            try {
                d.close();
            } catch (RuntimeException e) {
                log.warn("driver stop failed: {}", e.toString());
            }
        }
        running.clear();
        try {
            if (publishing != null && uplink.isReady()) {
                if (!publishing.drain(DRAIN_TIMEOUT) || !publisher.awaitIdle(DRAIN_TIMEOUT)) {
                    log.warn("gateway stopped with readings not yet published: queued={}", publishing.stats().queued());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (publishing != null) {
            publishing.close();
        }
        if (uplink != null) {
            uplink.close();
        }
        bus.close();
        if (publisher != null) {
            log.info("gateway stopped published={} retried={} failed={} unsent={} dropped={}", publisher.published(),
                    publisher.retried(), publisher.failed(), publisher.waitingForRetry() + publishing.stats().queued(),
                    publishing.stats().dropped());
        }
    }
}
