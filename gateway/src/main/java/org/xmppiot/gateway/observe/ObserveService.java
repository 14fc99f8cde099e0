package org.xmppiot.gateway.observe;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.bus.LatestValueCache;
import org.xmppiot.gateway.config.ObserveConfig;
import org.xmppiot.core.model.Reading;
import org.xmppiot.gateway.qos.QosLevel;
import org.xmppiot.gateway.qos.QosSender;
import org.xmppiot.gateway.iotdata.SensorDataAccepted;
import org.xmppiot.gateway.iotdata.SensorDataFields;
import org.xmppiot.gateway.watch.ReadingFormatter;
import org.xmppiot.gateway.xmpp.Session;
import org.xmppiot.gateway.xmpp.SessionListener;
import org.xmppiot.gateway.access.AccessPolicy;

/**
 * Event subscriptions (IoT Events, {@code urn:xmpp:iot:events}): answers {@code subscribe} and
 * {@code unsubscribe} from owners and readers, keeps the subscriptions in the store, and sends each
 * observer only the readings its conditions select, as XEP-0323 {@code fields} with the
 * subscription's {@code seqnr}, at the configured QoS level. Observers that went offline get nothing
 * until they are back (then the current values if they changed); after {@code offline-timeout}
 * offline their subscriptions end.
 */
public final class ObserveService implements SessionListener, Consumer<Reading>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ObserveService.class);

    static {
        org.jivesoftware.smack.provider.ProviderManager.addIQProvider(EventSubscribe.ELEMENT, EventSubscribe.NAMESPACE, new EventsIqProvider());
        org.jivesoftware.smack.provider.ProviderManager.addIQProvider(EventUnsubscribe.ELEMENT, EventSubscribe.NAMESPACE, new EventsIqProvider());
    }
    /** Subscriptions one observer may hold; more is refused with resource-constraint. */
    static final int MAX_PER_OBSERVER = 100;

    private volatile ObserveConfig config;
    private final AccessPolicy access;
    /** The ids of every thing there is now (configured things can come and go while running). */
    private final Supplier<Set<String>> things;
    private final LatestValueCache latest;
    private final ObservationStore store;
    private final QosSender sender;
    private volatile QosLevel level;
    private final List<Observation> observations = new CopyOnWriteArrayList<>();
    /** Observers (full JIDs) whose last presence was unavailable, since when. */
    private final Map<String, Instant> offlineSince = new ConcurrentHashMap<>();
    private final ScheduledExecutorService expiry = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "observe-expiry");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong sent = new AtomicLong();
    /** Runs an action once the readings published before have reached {@link #accept}: at once until told how. */
    private volatile Consumer<Runnable> afterPublished = Runnable::run;
    /** The current session: events of chat subscriptions go out on it as chat messages. */
    private volatile Session session;

    public ObserveService(ObserveConfig config, AccessPolicy access, Supplier<Set<String>> things, LatestValueCache latest,
                          ObservationStore store, QosSender sender) throws SQLException {
        this.config = config;
        this.access = access;
        this.things = things;
        this.latest = latest;
        this.store = store;
        this.sender = sender;
        this.level = QosLevel.fromConfigName(config.qos());
        Instant now = Instant.now();
        for (ObservationStore.Kept kept : store.all()) {
            if (allowed(kept.subscriber(), kept.request())) {
                add(kept.subscriber(), kept.request(), kept.byChat(), now);
            } else {
                store.removeAll(kept.subscriber()); // No longer allowed to read.
            }
        }
        if (!observations.isEmpty()) {
            log.info("observe restored {} subscription(s) from the store", observations.size());
        }
        long every = Math.max(200, Math.min(config.offlineTimeout().toMillis() / 4, 5_000));
        expiry.scheduleWithFixedDelay(this::endLongOffline, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void sessionStarted(Session session) {
        this.session = session;
        session.answer(EventSubscribe.ELEMENT, EventSubscribe.NAMESPACE, IQ.Type.get, this::answer);
        session.answer(EventUnsubscribe.ELEMENT, EventSubscribe.NAMESPACE, IQ.Type.get, this::answer);
        session.listen(StanzaTypeFilter.PRESENCE, this::presence);
        session.announce(EventSubscribe.NAMESPACE);
    }

    private IQ answer(IQ request) {
        return request instanceof EventUnsubscribe u ? unsubscribe(u) : subscribe((EventSubscribe) request);
    }

    private IQ subscribe(EventSubscribe request) {
        if (request.problem() != null && access.isKnown(request.getFrom())) {
            return error(request, StanzaError.Condition.bad_request, request.problem());
        }
        try {
            subscribe(request.getFrom().toString(), request.request(), false);
        } catch (Refusal r) {
            return error(request, r.condition, r.getMessage());
        }
        return new SensorDataAccepted(request, request.request().seqnr());
    }

    /** Why a subscription is refused, with the XMPP error condition that says so. */
    public static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient StanzaError.Condition condition;

        Refusal(StanzaError.Condition condition, String message) {
            super(message);
            this.condition = condition;
        }
    }

    /**
     * Adds (or replaces, by {@code seqnr}) a subscription of {@code subscriber}, keeps it in the store,
     * and sends the current values at once if asked.
     */
    public void subscribe(String subscriber, ObserveRequest r, boolean byChat) throws Refusal {
        if (!access.isKnown(subscriber)) {
            throw new Refusal(StanzaError.Condition.forbidden, "only the gateway's owners and readers may subscribe");
        }
        if (!access.mayRead(subscriber) && r.nodes().isEmpty()) {
            throw new Refusal(StanzaError.Condition.bad_request, "name the things to observe (you may read some of them only)");
        }
        for (String node : r.nodes()) {
            // A thing the subscriber may not read is as absent as one that does not exist.
            if (!things.get().contains(node) || !access.mayRead(subscriber, node)) {
                throw new Refusal(StanzaError.Condition.item_not_found, "no thing '" + node + "' here");
            }
        }
        long held = observations.stream().filter(o -> o.subscriber().equals(subscriber) && o.request().seqnr() != r.seqnr())
                .map(o -> o.request().seqnr()).distinct().count();
        if (held >= MAX_PER_OBSERVER) {
            throw new Refusal(StanzaError.Condition.resource_constraint, "at most " + MAX_PER_OBSERVER + " subscriptions per observer");
        }
        try {
            store.put(subscriber, r, byChat);
        } catch (SQLException e) {
            log.warn("observe cannot keep the subscription of {} in the store: {}", subscriber, e.getMessage());
            throw new Refusal(StanzaError.Condition.internal_server_error, "the gateway cannot store the subscription");
        }
        remove(subscriber, r.seqnr());
        List<Observation> added = add(subscriber, r, byChat, Instant.now());
        offlineSince.remove(subscriber);
        log.info("observe {} subscribed #{} to {} fields={} min={} max={}", subscriber, r.seqnr(),
                added.stream().map(Observation::thingId).toList(), r.fields().size(), r.minInterval(), r.maxInterval());
        if (r.readNow()) {
            for (Observation o : added) {
                Reading current = latest.latest(o.thingId());
                if (current != null) {
                    Reading event = o.now(current);
                    if (event != null) {
                        send(o, event);
                    }
                }
            }
        }
    }

    private List<Observation> add(String subscriber, ObserveRequest r, boolean byChat, Instant since) {
        List<Observation> added = new ArrayList<>();
        Set<String> known = things.get();
        for (String thing : r.nodes().isEmpty() ? known : Set.copyOf(r.nodes())) {
            if (known.contains(thing)) {
                Observation o = new Observation(subscriber, thing, r, byChat, since);
                o.join(observations::add, afterPublished, () -> latest.latest(thing));
                added.add(o);
            }
        }
        return added;
    }

    private IQ unsubscribe(EventUnsubscribe request) {
        unsubscribe(request.getFrom().toString(), request.seqnr());
        return IQ.createResultIQ(request); // Answered alike whether it existed or not, as the protocol asks.
    }

    /** Ends a subscription; true if it existed. */
    public boolean unsubscribe(String subscriber, long seqnr) {
        boolean existed = remove(subscriber, seqnr);
        if (existed) {
            log.info("observe {} unsubscribed #{}", subscriber, seqnr);
        }
        try {
            store.remove(subscriber, seqnr);
        } catch (SQLException e) {
            log.warn("observe cannot remove the subscription of {} from the store: {}", subscriber, e.getMessage());
        }
        return existed;
    }

    /** The subscriptions one observer holds now, one per thing. */
    public List<Observation> observationsOf(String subscriber) {
        return observations.stream().filter(o -> o.subscriber().equals(subscriber)).toList();
    }

    private boolean remove(String subscriber, long seqnr) {
        return observations.removeIf(o -> o.subscriber().equals(subscriber) && o.request().seqnr() == seqnr);
    }

    /**
     * How to run an action once every reading published before has reached {@link #accept}: needed where readings come
     * in batches, so that a new observation does not judge those of the batch under way.
     */
    public void afterPublished(Consumer<Runnable> afterPublished) {
        this.afterPublished = afterPublished;
    }

    /** Called on the bus thread: every observation of the reading's thing judges it. */
    @Override
    public void accept(Reading reading) {
        for (Observation o : observations) {
            if (o.thingId().equals(reading.thingId()) && !offlineSince.containsKey(o.subscriber())) {
                Reading event = o.evaluate(reading);
                if (event != null) {
                    send(o, event);
                }
            }
        }
    }

    private void send(Observation o, Reading event) {
        boolean late = Duration.between(event.timestamp(), Instant.now()).compareTo(SensorDataFields.LATE_AFTER) > 0;
        SensorDataFields payload = new SensorDataFields(o.request().seqnr(), true, List.of(event), late ? event.timestamp() : null);
        try {
            Jid to = JidCreate.from(o.subscriber());
            if (o.byChat()) {
                chat(to, ReadingFormatter.format(event), payload);
            } else if (late) {
                sender.send(to, payload, level, new DelayInformation(Date.from(event.timestamp())));
            } else {
                sender.send(to, payload, level);
            }
            sent.incrementAndGet();
        } catch (XmppStringprepException e) {
            log.warn("observe subscriber address {} is not usable: {}", o.subscriber(), e.getMessage());
        }
    }

    /** A line of text for people, with the same data for programs; dropped when there is no session (as a headline is). */
    private void chat(Jid to, String text, SensorDataFields data) {
        Session s = session;
        if (s == null) {
            return;
        }
        try {
            s.send(s.stanzas().buildMessageStanza().to(to).ofType(org.jivesoftware.smack.packet.Message.Type.chat)
                    .setBody(text).addExtension(data).build());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An observer that goes offline gets nothing until it is back (or its subscriptions end); back, the current values. */
    private void presence(Stanza stanza) {
        Presence p = (Presence) stanza;
        if (p.getFrom() == null) {
            return;
        }
        String from = p.getFrom().toString();
        if (p.getType() == Presence.Type.unavailable) {
            offlineSince.putIfAbsent(from, Instant.now());
        } else if (p.getType() == Presence.Type.available && offlineSince.remove(from) != null) {
            // Back: tell it the current values, if they make an event for it.
            for (Observation o : observations) {
                Reading current = o.subscriber().equals(from) ? latest.latest(o.thingId()) : null;
                Reading event = current == null ? null : o.evaluate(current);
                if (event != null) {
                    send(o, event);
                }
            }
        }
    }

    /** Takes a changed {@code observe} section: its QoS level and offline timeout hold for the next events. */
    public void reconfigure(ObserveConfig next) {
        level = QosLevel.fromConfigName(next.qos());
        config = next;
    }

    /** Whether {@code subscriber} may still hold {@code request}: a reader of every thing it names (or of all). */
    private boolean allowed(String subscriber, ObserveRequest request) {
        return access.mayRead(subscriber)
                || !request.nodes().isEmpty() && request.nodes().stream().allMatch(n -> access.mayRead(subscriber, n));
    }

    /** The access policy changed: whoever may no longer read loses their subscriptions, here and in the store. */
    public void accessChanged() {
        Set<String> gone = new java.util.TreeSet<>();
        for (Observation o : observations) {
            if (!allowed(o.subscriber(), o.request())) {
                gone.add(o.subscriber());
            }
        }
        observations.removeIf(o -> gone.contains(o.subscriber()));
        for (String subscriber : gone) {
            try {
                store.removeAll(subscriber);
            } catch (SQLException e) {
                log.warn("observe cannot remove the subscriptions of {} from the store: {}", subscriber, e.getMessage());
            }
            log.info("observe ended the subscriptions of {}: no longer allowed to read what they observed", subscriber);
        }
    }

    /** Ends the subscriptions of observers offline for longer than the configured time. */
    private void endLongOffline() {
        Instant cutoff = Instant.now().minus(config.offlineTimeout());
        for (Map.Entry<String, Instant> e : offlineSince.entrySet()) {
            String subscriber = e.getKey();
            if (e.getValue().isBefore(cutoff) && observations.removeIf(o -> o.subscriber().equals(subscriber))) {
                try {
                    store.removeAll(subscriber);
                } catch (SQLException ex) {
                    log.warn("observe cannot remove the subscriptions of {} from the store: {}", subscriber, ex.getMessage());
                }
                log.info("observe ended the subscriptions of {}: offline for more than {} s", subscriber,
                        config.offlineTimeout().toSeconds());
            }
            if (e.getValue().isBefore(cutoff)) {
                offlineSince.remove(subscriber, e.getValue());
            }
        }
    }

    private static IQ error(IQ request, StanzaError.Condition condition, String text) {
        return IQ.createErrorResponse(request, StanzaError.getBuilder(condition).setDescriptiveEnText(text).build());
    }

    /** Subscriptions held now (one per observer and thing). */
    public int observations() {
        return observations.size();
    }

    /** Events handed to the sender. */
    public long sent() {
        return sent.get();
    }

    @Override
    public void close() {
        expiry.shutdownNow();
    }
}
