package org.xmppiot.gateway.http;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.xmppiot.core.bus.LatestValueCache;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.thing.Bridge;
import org.xmppiot.core.model.Reading;
import org.xmppiot.gateway.health.Health;

/**
 * The gateway's state as JSON (Jackson's streaming writer): {@code /api/status} for the page's live updates,
 * {@code /api/things} and {@code /api/things/{id}} for scripts. Health from {@link Health}, values from the latest-value cache.
 */
final class StatusJson {

    private static final JsonFactory JSON = new JsonFactory();

    private final ViewedGateway gateway;
    private final RecentWarnings warnings;

    StatusJson(ViewedGateway gateway, RecentWarnings warnings) {
        this.gateway = gateway;
        this.warnings = warnings;
    }

    void status(OutputStream out) throws IOException {
        Health health = gateway.health();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            connection(g, health);
            store(g, health.store());
            g.writeArrayFieldStart("things");
            for (Health.ThingHealth t : health.things()) {
                thing(g, t);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("bridges");
            for (Bridge b : health.bridges()) {
                g.writeStartObject();
                g.writeStringField("id", b.id());
                g.writeStringField("state", b.status().state().label());
                g.writeStringField("detail", b.status().detail().label());
                g.writeStringField("reason", b.status().reason());
                g.writeStringField("since", b.since().truncatedTo(ChronoUnit.SECONDS).toString());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("warnings");
            if (warnings != null) {
                for (RecentWarnings.Warning w : warnings.newestFirst()) {
                    g.writeStartObject();
                    g.writeStringField("time", w.time().truncatedTo(ChronoUnit.SECONDS).toString());
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
            for (Health.ThingHealth t : gateway.health().things()) {
                thing(g, t);
            }
            g.writeEndArray();
        }
    }

    /** False when there is no such thing. */
    boolean thing(String id, OutputStream out) throws IOException {
        Health.ThingHealth t = gateway.health().thing(id).orElse(null);
        if (t == null) {
            return false;
        }
        try (JsonGenerator g = JSON.createGenerator(out)) {
            thing(g, t);
        }
        return true;
    }

    private static void connection(JsonGenerator g, Health health) throws IOException {
        Health.Connection c = health.connection();
        g.writeObjectFieldStart("connection");
        g.writeStringField("jid", c.jid());
        g.writeStringField("server", c.servers());
        g.writeStringField("connectedTo", c.connectedTo());
        g.writeStringField("tls", c.tls());
        g.writeBooleanField("connected", c.connected());
        g.writeStringField("since", c.since() == null ? null : c.since().truncatedTo(ChronoUnit.SECONDS).toString());
        g.writeNumberField("reconnects", c.reconnects());
        g.writeNumberField("resumptions", c.resumptions());
        g.writeStringField("lastFailure", c.lastFailure());
        g.writeStringField("ownerInvite", c.ownerInvite());
        g.writeNumberField("published", health.publishing().published());
        g.writeStringField("publishingWaits", health.publishing().waits());
        g.writeEndObject();
    }

    private static void store(JsonGenerator g, Health.Store s) throws IOException {
        g.writeObjectFieldStart("store");
        g.writeStringField("path", s.path());
        if (s.error() == null) {
            g.writeNumberField("bytes", s.bytes());
            g.writeNumberField("backlog", s.unsent());
            g.writeStringField("oldestUnsent", s.oldestUnsent() == null ? null : s.oldestUnsent().toString());
        } else {
            g.writeStringField("error", s.error());
        }
        g.writeNumberField("stored", s.stored());
        g.writeNumberField("lostDiskFull", s.lostDiskFull());
        g.writeNumberField("lostWriteErrors", s.lost());
        g.writeStringField("damage", s.damage());
        g.writeEndObject();
    }

    private void thing(JsonGenerator g, Health.ThingHealth t) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", t.id());
        g.writeStringField("name", t.name());
        g.writeStringField("state", t.status().state().label());
        g.writeStringField("detail", t.status().detail().label());
        g.writeStringField("reason", t.status().reason());
        g.writeStringField("status", t.status().toString());
        g.writeArrayFieldStart("fields");
        Instant now = Instant.now();
        for (LatestValueCache.LatestField f : gateway.latest().fields(t.id())) {
            if (f.field().name().equals(Reading.STATUS_FIELD)) {
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
        return gateway.latest().fields(thingId).stream()
                .filter(f -> f.field().value() instanceof FieldValue.NumericValue || f.field().value() instanceof FieldValue.IntegerValue)
                .map(f -> f.field().name()).toList();
    }
}
