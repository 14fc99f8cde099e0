package org.xmppiot.gateway;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.bus.BusSubscription;
import org.xmppiot.core.bus.ReadingBus;
import org.xmppiot.gateway.config.GatewayConfig;
import org.xmppiot.gateway.pubsub.NodeProvisioner;
import org.xmppiot.gateway.pubsub.PubSubPublisher;
import org.xmppiot.gateway.store.ReadingStore;
import org.xmppiot.core.thing.ThingRegistry;
import org.xmppiot.gateway.store.StoreWriter;
import org.xmppiot.gateway.xmpp.XmppUplink;

/**
 * Where a reading goes after the bus: the writer forms items and commits them to the store in group commits, the
 * publisher sends each item at once and again until the server confirms it. Closing commits what the bus handed
 * over and, while connected, gives the publisher a bounded time to empty; the rest waits in the store.
 */
final class ReadingPath {

    private static final Logger log = LoggerFactory.getLogger(ReadingPath.class);
    /** Publishes awaiting their result at once; enough to hide a round trip, small enough for the server. */
    private static final int PUBLISH_WINDOW = 64;
    /** Most readings committed in one transaction. */
    private static final int MAX_COMMIT = 5_000;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

    final ReadingStore store;
    final StoreWriter writer;
    final PubSubPublisher publisher;
    private final BusSubscription storing;

    ReadingPath(GatewayConfig config, ReadingStore store, ReadingBus bus, ThingRegistry things, XmppUplink uplink,
                NodeProvisioner provisioner) {
        this.store = store;
        things.continueSequences(sequencesAfter(store));
        publisher = new PubSubPublisher(uplink, config.xmpp().pubsub(), store, PUBLISH_WINDOW, provisioner::ensure, provisioner::target);
        writer = new StoreWriter(store, config.xmpp().pubsub().readingsPerItem(), List.of(PubSubPublisher.DESTINATION),
                publisher::offer, publisher::wake, config.store().commitInterval(), config.store().confirmedCommitInterval(), MAX_COMMIT);
        // Readings that come faster than the item interval are taken in one batch per interval: a thing's node then gets
        // an item per interval instead of one per reading, and this thread wakes once per batch, not per reading.
        // A held-up bus thread reads no serial port: they go back to their own threads first.
        writer.beforeHoldingUp(bus::handBackHeldInputs);
        storing = bus.subscribeInBatches("store", config.busQueueCapacity(), MAX_COMMIT, config.xmpp().pubsub().itemInterval(), writer);
    }

    void start() {
        publisher.start();
    }

    /**
     * Readings go on from the numbers the store kept. After a stop that was not clean (a power cut, a kill) readings
     * published but not committed may have used the next numbers: at most what the writer holds before it holds up the
     * bus (twice {@link #MAX_COMMIT}) and one commit under way, so the numbers go on beyond those.
     */
    private static ThingRegistry.SequenceMemory sequencesAfter(ReadingStore store) {
        long gap = store.startedAfterUncleanStop() ? 4L * MAX_COMMIT : 0;
        if (gap > 0) {
            log.info("the last run did not stop cleanly: sequence numbers go on {} past what the store kept", gap);
        }
        return thing -> {
            try {
                long[] kept = store.lastSequences(thing);
                return new long[] {kept[0] + gap, kept[1] - gap};
            } catch (java.sql.SQLException e) {
                log.warn("store cannot say where the sequence numbers of {} stopped ({}); they go on from the time instead", thing,
                        e.getMessage());
                return new long[] {System.currentTimeMillis(), -System.currentTimeMillis()};
            }
        };
    }

    /** Commits what the bus handed over, then gives the publisher a bounded time while {@code connected}; stops it. */
    void finish(boolean connected) throws InterruptedException {
        try {
            if (!storing.drain(DRAIN_TIMEOUT)) {
                log.warn("gateway stopped before the store took every reading: queued={}", storing.stats().queued());
            }
            storing.close();
            writer.close();
            if (connected && !publisher.awaitIdle(DRAIN_TIMEOUT)) {
                log.warn("gateway stopped with readings not yet published; they stay in the store for the next start");
            }
        } finally {
            publisher.close();
        }
    }

    /** Says what went where, and closes the store. */
    void close() {
        logTotals();
        store.close();
    }

    private void logTotals() {
        log.info("gateway stopped stored={} published={} failed={} delayed_items={} dropped_by_bus={} dropped_unsent={} lost={}",
                writer.stored(), publisher.published(), publisher.failed(), publisher.delayed(),
                storing.stats().dropped(), store.droppedUnsent(), writer.lost());
    }
}
