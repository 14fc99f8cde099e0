package org.xmppiot.gateway;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleConsumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.xmppiot.core.bus.LatestValueCache;
import org.xmppiot.core.bus.ReadingBus;
import org.xmppiot.core.bus.SubscriberStats;
import org.xmppiot.core.thing.Thing;
import org.xmppiot.core.thing.ThingRegistry;
import org.xmppiot.gateway.config.XmppConfig;
import org.xmppiot.gateway.health.Health;
import org.xmppiot.gateway.http.ViewedGateway;
import org.xmppiot.gateway.observe.ObserveService;
import org.xmppiot.gateway.pubsub.NodeProvisioner;
import org.xmppiot.gateway.pubsub.PubSubPublisher;
import org.xmppiot.gateway.store.ReadingStore;
import org.xmppiot.gateway.store.StoreWriter;
import org.xmppiot.gateway.xmpp.StrangerReplies;
import org.xmppiot.gateway.xmpp.UnparsableStanzas;
import org.xmppiot.gateway.xmpp.XmppUplink;

/**
 * The one place where the running parts are asked how they are doing: builds the {@link Health} every view renders, and
 * is what the local views see of the gateway.
 */
final class HealthProbe implements ViewedGateway {

    /** The running parts it asks. */
    record Parts(Supplier<XmppConfig> xmpp, XmppUplink uplink, PubSubPublisher publisher, NodeProvisioner provisioner,
                 ReadingStore store, StoreWriter writer, ReadingBus bus, ThingRegistry things, StrangerReplies strangers,
                 ObserveService observe, Supplier<String> ownerInvite, org.xmppiot.gateway.feature.LoginConfirmer logins,
                 Supplier<String> page, org.xmppiot.gateway.feature.PageControls controls, Supplier<Health.Update> update) {
    }

    private final Parts parts;
    private final String version;
    private final Instant started = Instant.now();

    HealthProbe(Parts parts, String version) {
        this.parts = parts;
        this.version = version;
    }

    @Override
    public Health health() {
        return new Health(Instant.now(), version, started, connection(), publishing(), store(), counters(), things(),
                parts.things().bridges(), parts.page().get(), parts.update().get());
    }

    @Override
    public LatestValueCache latest() {
        return parts.bus().latest();
    }

    @Override
    public org.xmppiot.gateway.feature.LoginConfirmer logins() {
        return parts.logins();
    }

    @Override
    public org.xmppiot.gateway.feature.PageControls controls() {
        return parts.controls();
    }

    @Override
    public void measureRoundTrips(DoubleConsumer sink) {
        parts.publisher().measureRoundTrips(sink);
    }

    private Health.Connection connection() {
        XmppConfig x = parts.xmpp().get();
        XmppUplink u = parts.uplink();
        String servers = x.server() == null ? "DNS SRV of " + x.domain()
                : x.targets().stream().map(Object::toString).collect(Collectors.joining(", "));
        return new Health.Connection(x.jid() + "/" + x.resource(), servers, x.tls().name().toLowerCase(java.util.Locale.ROOT),
                u.connectedTo(), u.connectedSince(), u.sessions(), u.resumptions(), u.lastFailure(), parts.ownerInvite().get());
    }

    private Health.Publishing publishing() {
        PubSubPublisher p = parts.publisher();
        return new Health.Publishing(p.published(), p.failed(), p.delayed(), parts.provisioner().problem(), parts.provisioner().fallback());
    }

    private Health.Store store() {
        ReadingStore s = parts.store();
        long bytes = -1;
        long unsent = -1;
        Instant oldest = null;
        String error = null;
        try {
            bytes = s.usedBytes();
            unsent = s.unsent(PubSubPublisher.DESTINATION);
            oldest = s.oldestUnsent(PubSubPublisher.DESTINATION);
        } catch (SQLException e) {
            error = e.getMessage();
        }
        return new Health.Store(s.path().toString(), bytes, unsent, oldest, parts.writer().stored(), s.droppedUnsent(),
                parts.writer().lost(), parts.writer().lostDiskFull(), error, s.damage());
    }

    private Health.Counters counters() {
        long busDrops = parts.bus().stats().stream().mapToLong(SubscriberStats::dropped).sum();
        return new Health.Counters(parts.bus().measurements(), busDrops, UnparsableStanzas.INSTANCE.dropped(),
                UnparsableStanzas.INSTANCE.unhandled(), parts.strangers().suppressed(), parts.observe().observations());
    }

    private List<Health.ThingHealth> things() {
        Map<String, Map<String, Long>> rejected = parts.things().rejected();
        return parts.things().things().stream().map(t -> new Health.ThingHealth(t.id(), parts.things().title(t.id()), t.status(),
                t.since(), t.origin() == Thing.Origin.DISCOVERED, rejected.getOrDefault(t.id(), Map.of()))).toList();
    }
}
