package org.xmppiot.gateway.sensordata;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jxmpp.jid.Jid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.gateway.iotdata.provider.SensorDataProviders;
import org.xmppiot.core.bus.LatestValueCache;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.Reading;
import org.xmppiot.gateway.iotdata.SensorDataAccepted;
import org.xmppiot.gateway.iotdata.SensorDataCancel;
import org.xmppiot.gateway.iotdata.SensorDataFailure;
import org.xmppiot.gateway.iotdata.SensorDataFields;
import org.xmppiot.gateway.iotdata.SensorDataRequest;
import org.xmppiot.gateway.store.ReadingStore;
import org.xmppiot.gateway.xmpp.Session;
import org.xmppiot.gateway.xmpp.SessionListener;
import org.xmppiot.gateway.access.AccessPolicy;

/**
 * XEP-0323 read-out: an owner or reader asks for things' values (momentary from the latest values,
 * historical from the store), gets {@code accepted}, then one {@code fields} message per thing, the
 * last with {@code done='true'}, or a {@code failure} for a thing without values. Anyone else gets
 * {@code forbidden} and learns nothing about the things.
 */
public final class SensorDataService implements SessionListener {

    static {
        SensorDataProviders.register();
    }

    private static final Logger log = LoggerFactory.getLogger(SensorDataService.class);
    /** Most historical readings per thing in one read-out. */
    static final int HISTORY_LIMIT = 1000;

    private final AccessPolicy access;
    private final Supplier<Set<String>> things;
    private final LatestValueCache latest;
    private final ReadingStore store;

    public SensorDataService(AccessPolicy access, Supplier<Set<String>> things, LatestValueCache latest, ReadingStore store) {
        this.access = access;
        this.things = things;
        this.latest = latest;
        this.store = store;
    }

    @Override
    public void sessionStarted(Session session) {
        session.answer(SensorDataRequest.ELEMENT, SensorDataFields.NAMESPACE, IQ.Type.get,
                request -> readOut(session, (SensorDataRequest) request));
        session.answer(SensorDataCancel.ELEMENT, SensorDataFields.NAMESPACE, IQ.Type.get, request -> {
            if (!mayRead(request.getFrom())) {
                return error(request, StanzaError.Condition.forbidden, "only the gateway's owners and readers may read its things");
            }
            // Read-outs are answered at once, so there is never one left to cancel; the XEP asks for this answer anyway.
            SensorDataCancel cancelled = new SensorDataCancel(SensorDataCancel.ANSWER, ((SensorDataCancel) request).seqnr());
            cancelled.setType(IQ.Type.result);
            return cancelled;
        });
        session.announce(SensorDataFields.NAMESPACE);
    }

    private IQ readOut(Session connection, SensorDataRequest request) {
        Jid from = request.getFrom();
        if (!mayRead(from)) {
            return error(request, StanzaError.Condition.forbidden, "only the gateway's owners and readers may read its things");
        }
        if (request.problem() != null) {
            return error(request, StanzaError.Condition.bad_request, request.problem());
        }
        // Someone given some things only sees those: another thing is as absent to them as one that does not exist.
        Set<String> known = access.readable(from, new TreeSet<>(things.get()));
        List<String> targets = request.nodes().isEmpty() ? new ArrayList<>(known) : request.nodes();
        for (String node : targets) {
            if (!known.contains(node)) {
                return error(request, StanzaError.Condition.item_not_found, "no thing '" + node + "' here");
            }
        }
        try {
            boolean sent = connection.send(new SensorDataAccepted(request, request.seqnr()));
            for (int i = 0; sent && i < targets.size(); i++) {
                boolean last = i == targets.size() - 1;
                sent = connection.send(connection.stanzas().buildMessageStanza().to(from)
                        .addExtension(answer(request, targets.get(i), last)).build());
            }
            if (!sent) {
                log.debug("read-out for {} not finished: connection lost", from);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null; // Answered above, before the data messages, as the XEP orders them.
    }

    /** Owners, readers and those given some thing may ask; which things each may read is decided per thing. */
    private boolean mayRead(Jid from) {
        return access.isKnown(from);
    }

    private ExtensionElement answer(SensorDataRequest request, String thing, boolean last) {
        List<Reading> readings = new ArrayList<>();
        try {
            if (request.historical()) {
                Instant from = request.from() == null ? Instant.EPOCH : request.from();
                Instant to = request.to() == null ? Instant.now() : request.to();
                for (Reading r : store.history(thing, from, to, HISTORY_LIMIT)) {
                    readings.add(selected(request, r));
                }
            } else {
                Reading now = latest.latest(thing);
                if (now != null) {
                    readings.add(selected(request, now));
                }
            }
        } catch (SQLException e) {
            return new SensorDataFailure(request.seqnr(), thing, Instant.now(), "the store could not be read: " + e.getMessage());
        }
        readings.removeIf(r -> r.fields().isEmpty());
        if (readings.isEmpty()) {
            return new SensorDataFailure(request.seqnr(), thing, Instant.now(), request.historical()
                    ? "no values stored in that time range" : "no values of that kind yet");
        }
        return new SensorDataFields(request.seqnr(), last, readings);
    }

    /** The reading with only the fields and categories asked for. */
    private static Reading selected(SensorDataRequest request, Reading r) {
        List<Field> out = new ArrayList<>();
        for (Field f : r.fields()) {
            if ((request.fields().isEmpty() || request.fields().contains(f.name()))
                    && (request.categories().isEmpty() || request.categories().contains(f.category()))) {
                out.add(f);
            }
        }
        return new Reading(r.thingId(), r.sequence(), r.timestamp(), out);
    }

    private static IQ error(IQ request, StanzaError.Condition condition, String text) {
        return IQ.createErrorResponse(request, StanzaError.getBuilder(condition).setDescriptiveEnText(text).build());
    }
}
