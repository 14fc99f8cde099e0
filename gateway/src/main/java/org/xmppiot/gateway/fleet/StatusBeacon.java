package org.xmppiot.gateway.fleet;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.provider.ProviderManager;
import org.jivesoftware.smack.parsing.StandardExtensionElementProvider;
import org.jivesoftware.smackx.pep.PepManager;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.core.thing.Bridge;
import org.xmppiot.core.thing.StatusListener;
import org.xmppiot.core.thing.Thing;
import org.xmppiot.core.thing.ThingRegistry;
import org.xmppiot.gateway.xmpp.XmppFailures;
import org.xmppiot.gateway.xmpp.Session;
import org.xmppiot.gateway.health.Health;
import org.xmppiot.gateway.xmpp.SessionListener;

/**
 * The gateway's own status for its owners, published to a PEP node of its account ({@value #NODE}): its things with
 * their statuses, its store backlog, version and start time. Sent at every session start, a second after a thing's
 * status changes (changes in that second are sent together), and at a slow heartbeat, so that an old item means a
 * gateway that stopped reporting. PEP delivers it to everyone subscribed to the gateway's presence, which the gateway
 * grants to its owners and readers only: one presence subscription per gateway tells online/offline at once and,
 * with this node, why.
 */
public final class StatusBeacon implements SessionListener, StatusListener, AutoCloseable {

    public static final String NODE = "urn:xmppiot:gateway:status:0";
    public static final Duration HEARTBEAT = Duration.ofMinutes(5);
    private static final Duration SETTLE = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(StatusBeacon.class);

    static {
        register();
    }

    /** Lets Smack read the payload as a generic element (for the fleet tools and tests); idempotent. */
    public static void register() {
        ProviderManager.addExtensionProvider("gateway", NODE, StandardExtensionElementProvider.INSTANCE);
    }

    private final Supplier<Health> health;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "status-beacon");
        t.setDaemon(true);
        return t;
    });
    private volatile XMPPConnection session;
    private ScheduledFuture<?> pending;
    private volatile boolean failedBefore;

    /** Renders {@code health}; {@code things} tells it when a status changes. */
    public StatusBeacon(ThingRegistry things, Supplier<Health> health, Duration heartbeat) {
        this.health = health;
        timer.scheduleWithFixedDelay(this::publish, heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        things.addListener(this);
    }

    @Override
    public void sessionStarted(Session started) {
        session = started.smack();
        timer.execute(this::publish);
    }

    @Override
    public void statusChanged(Thing thing, ThingStatus previous) {
        publishSoon();
    }

    /** Something the status tells changed: published a second later, with whatever else changes in that second. */
    public void publishSoon() {
        synchronized (this) {
            if (pending == null || pending.isDone()) {
                pending = timer.schedule(this::publish, SETTLE.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * The payload: {@code <gateway version started time backlog [store-damage]><thing id state reason detail since/>...
     * <bridge id state detail reason since/>...[<update id outcome from to>text</update>]</gateway>}.
     */
    public StandardExtensionElement payload() {
        Health h = health.get();
        StandardExtensionElement.Builder b = StandardExtensionElement.builder("gateway", NODE)
                .addAttribute("version", h.version())
                .addAttribute("started", h.started().truncatedTo(ChronoUnit.SECONDS).toString())
                .addAttribute("time", h.at().truncatedTo(ChronoUnit.SECONDS).toString())
                .addAttribute("backlog", Long.toString(h.store().unsent()));
        if (h.store().damage() != null) {
            b.addAttribute("store-damage", h.store().damage());
        }
        for (Health.ThingHealth t : h.things()) {
            StandardExtensionElement.Builder thing = StandardExtensionElement.builder("thing", NODE)
                    .addAttribute("id", t.id())
                    .addAttribute("state", t.status().state().label())
                    .addAttribute("since", t.since().truncatedTo(ChronoUnit.SECONDS).toString());
            if (t.status().reason() != null) {
                thing.addAttribute("reason", t.status().reason());
            }
            if (t.status().detail() != ThingStatus.Detail.NONE) {
                thing.addAttribute("detail", t.status().detail().label());
            }
            b.addElement(thing.build());
        }
        if (h.update() != null) {
            Health.Update u = h.update();
            b.addElement(StandardExtensionElement.builder("update", NODE).addAttribute("id", u.id()).addAttribute("outcome", u.outcome())
                    .addAttribute("from", u.from()).addAttribute("to", u.to()).setText(u.text()).build());
        }
        for (Bridge bridge : h.bridges()) {
            StandardExtensionElement.Builder e = StandardExtensionElement.builder("bridge", NODE)
                    .addAttribute("id", bridge.id())
                    .addAttribute("state", bridge.status().state().label())
                    .addAttribute("detail", bridge.status().detail().label())
                    .addAttribute("since", bridge.since().truncatedTo(ChronoUnit.SECONDS).toString());
            if (bridge.status().reason() != null) {
                e.addAttribute("reason", bridge.status().reason());
            }
            b.addElement(e.build());
        }
        return b.build();
    }

    private void publish() {
        XMPPConnection c = session;
        if (c == null || !c.isAuthenticated()) {
            return;
        }
        try {
            PepManager.getInstanceFor(c).publish(NODE, new PayloadItem<>("current", payload()));
            failedBefore = false;
        } catch (Exception e) {
            if (!failedBefore) {
                log.warn("gateway status not published to PEP node {}: {} (the server may not offer PEP, XEP-0163)", NODE, XmppFailures.brief(e));
            }
            failedBefore = true;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
