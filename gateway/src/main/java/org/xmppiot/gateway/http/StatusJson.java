package org.xmppiot.gateway.http;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import org.xmppiot.core.bus.LatestValueCache;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.thing.Thing;
import org.xmppiot.core.thing.ThingRegistry;
import org.xmppiot.gateway.config.XmppConfig;
import org.xmppiot.gateway.pubsub.PubSubPublisher;
import org.xmppiot.gateway.store.ReadingStore;

/**
 * The gateway's state as JSON (Jackson's streaming writer): {@code /api/status} for the page's live updates,
 * {@code /api/things} and {@code /api/things/{id}} for scripts.
 */
final class StatusJson {

    private static final JsonFactory JSON = new JsonFactory();

    private final ViewedGateway gateway;
    private final ReadingStore store;
    private final RecentWarnings warnings;

    StatusJson(ViewedGateway gateway, ReadingStore store, RecentWarnings warnings) {
        this.gateway = gateway;
        this.store = store;
        this.warnings = warnings;
    }

    void status(OutputStream out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            connection(g);
            store(g);
            g.writeArrayFieldStart("things");
            for (Thing t : gateway.things().things()) {
                thing(g, t);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("warnings");
            if (warnings != null) {
                for (RecentWarnings.Warning w : warnings.newestFirst()) {
                    g.writeStartObject();
                    g.writeStringField("time", w.time().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
                    g.writeStringField("level", w.level());
                    g.writeStringField("message", w.message());
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    void things(OutputStream out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (Thing t : gateway.things().things()) {
                thing(g, t);
            }
            g.writeEndArray();
        }
    }

    /** False when there is no such thing. */
    boolean thing(String id, OutputStream out) throws IOException {
        Thing t = gateway.things().thing(id).orElse(null);
        if (t == null) {
            return false;
        }
        try (JsonGenerator g = JSON.createGenerator(out)) {
            thing(g, t);
        }
        return true;
    }

    private void connection(JsonGenerator g) throws IOException {
        XmppConfig x = gateway.config().xmpp();
        g.writeObjectFieldStart("connection");
        g.writeStringField("jid", x.jid() + "/" + x.resource());
        g.writeStringField("server", x.server() == null ? "DNS SRV of " + x.domain()
                : x.targets().stream().map(Object::toString).collect(java.util.stream.Collectors.joining(", ")));
        g.writeStringField("connectedTo", gateway.uplink().connectedTo());
        g.writeStringField("tls", x.tls().name().toLowerCase(java.util.Locale.ROOT));
        Instant since = gateway.uplink().connectedSince();
        g.writeBooleanField("connected", since != null);
        g.writeStringField("since", since == null ? null : since.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        g.writeNumberField("reconnects", Math.max(0, gateway.uplink().sessions() - 1));
        g.writeStringField("lastFailure", gateway.uplink().lastFailure());
        g.writeNumberField("published", gateway.publisher().published());
        g.writeStringField("publishingWaits", gateway.publishingWaits());
        g.writeEndObject();
    }

    private void store(JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("store");
        g.writeStringField("path", store.path().toString());
        try {
            g.writeNumberField("bytes", store.usedBytes());
            g.writeNumberField("backlog", store.unsent(PubSubPublisher.DESTINATION));
            Instant oldest = store.oldestUnsent(PubSubPublisher.DESTINATION);
            g.writeStringField("oldestUnsent", oldest == null ? null : oldest.toString());
        } catch (SQLException e) {
            g.writeStringField("error", e.getMessage());
        }
        g.writeNumberField("stored", gateway.storeWriter().stored());
        g.writeEndObject();
    }

    private void thing(JsonGenerator g, Thing t) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", t.id());
        g.writeStringField("name", gateway.title(t.id()));
        g.writeStringField("state", t.status().state().label());
        g.writeStringField("detail", t.status().detail().label());
        g.writeStringField("reason", t.status().reason());
        g.writeStringField("status", t.status().toString());
        g.writeArrayFieldStart("fields");
        Instant now = Instant.now();
        for (LatestValueCache.LatestField f : gateway.bus().latest().fields(t.id())) {
            if (f.field().name().equals(ThingRegistry.STATUS_FIELD)) {
                continue;
            }
            g.writeStartObject();
            g.writeStringField("name", f.field().name());
            FieldValue v = f.field().value();
            if (v instanceof FieldValue.NumericValue n) {
                g.writeNumberField("value", n.value());
                g.writeStringField("unit", n.unit());
            } else if (v instanceof FieldValue.IntegerValue i) {
                g.writeNumberField("value", i.value());
            } else if (v instanceof FieldValue.BooleanValue b) {
                g.writeBooleanField("value", b.value());
            } else {
                g.writeStringField("value", ((FieldValue.StringValue) v).value());
            }
            g.writeStringField("time", f.timestamp().toString());
            g.writeNumberField("ageSeconds", Math.max(0, Duration.between(f.timestamp(), now).toSeconds()));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    static List<String> numericFields(ViewedGateway gateway, String thingId) {
        return gateway.bus().latest().fields(thingId).stream()
                .filter(f -> f.field().value() instanceof FieldValue.NumericValue || f.field().value() instanceof FieldValue.IntegerValue)
                .map(f -> f.field().name()).toList();
    }
}
