package org.xmppiot.gateway.http;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.xmppiot.core.bus.LatestValueCache;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.drivers.serial.SerialPortListing;
import org.xmppiot.core.thing.Bridge;
import org.xmppiot.gateway.health.Health;
import org.xmppiot.gateway.store.ReadingStore;

/**
 * The status page: rendered here as plain HTML (no build step, nothing fetched from the internet, readable on a
 * phone), then kept current by a short script that asks {@code /api/status} every two seconds and redraws the
 * charts every thirty.
 */
final class StatusPage {

    private final ViewedGateway gateway;
    private final ReadingStore store;
    private final RecentWarnings warnings;

    StatusPage(ViewedGateway gateway, ReadingStore store, RecentWarnings warnings) {
        this.gateway = gateway;
        this.store = store;
        this.warnings = warnings;
    }

    /** The page; {@code controls} is the owner's control section (empty for everyone else). */
    String html(String controls) {
        Health health = gateway.health();
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(escape(health.connection().jid().replaceFirst("/.*$", ""))).append(" · XMPP IoT Gateway</title><style>")
                .append(CSS).append("</style></head><body><h1>XMPP IoT Gateway</h1>");
        connection(h, health);
        store(h, health.store());
        things(h, health);
        h.append(controls);
        bridges(h, health);
        ports(h);
        warnings(h);
        h.append("<p class=\"muted\">Updated <span id=\"updated\">").append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append("</span></p>");
        // Shown to all; only a browser logged in by XMPP has a session to end (basic authentication ends with the browser).
        h.append("<form method=\"post\" action=\"/logout\"><button id=\"logout\">Log out</button></form>");
        h.append("<script>").append(SCRIPT).append("</script></body></html>");
        return h.toString();
    }

    String chart(String thingId, String field) throws SQLException {
        Instant now = Instant.now();
        List<Reading> history = store.sampledHistory(thingId, now.minus(HistoryChart.SPAN), now, HistoryChart.POINTS);
        return HistoryChart.svg(field, history, now);
    }

    private static void connection(StringBuilder h, Health health) {
        Health.Connection c = health.connection();
        Instant since = c.since();
        h.append("<section><h2>Connection</h2><dl>");
        row(h, "Account", c.jid());
        row(h, "Server", c.servers() + ", TLS " + c.tls());
        h.append("<dt>State</dt><dd id=\"connection\" class=\"").append(since == null ? "offline" : "online").append("\">")
                .append(escape(since == null ? "not connected" + (c.lastFailure() == null ? "" : ": " + c.lastFailure())
                        : "connected to " + c.connectedTo() + " since " + since.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))).append("</dd>");
        h.append("<dt>Reconnects</dt><dd id=\"reconnects\">").append(c.reconnects()).append("</dd>");
        if (c.ownerInvite() != null) {
            // Scanned by the owner's phone app: it creates the account and makes the owner the gateway's contact.
            h.append("<dt>Owner's invite</dt><dd id=\"owner-invite\">No owner yet: scan this with Conversations, or open <a href=\"")
                    .append(escape(c.ownerInvite())).append("\">the link</a> in an XMPP app that takes invites.<br>")
                    .append(org.xmppiot.gateway.onboarding.QrText.svg(c.ownerInvite())).append("</dd>");
        }
        h.append("<dt>Published</dt><dd id=\"published\">").append(health.publishing().published()).append(" readings</dd>");
        String waits = health.publishing().waits();
        if (waits != null) {
            h.append("<dt>Publishing waits</dt><dd class=\"offline\">").append(escape(waits)).append("</dd>");
        }
        h.append("</dl></section>");
    }

    /** The shared buses things are reached through, when there are any. */
    private static void bridges(StringBuilder h, Health health) {
        if (health.bridges().isEmpty()) {
            return;
        }
        h.append("<section><h2>Bridges</h2>");
        for (Bridge b : health.bridges()) {
            h.append("<p class=\"status bridge ").append(b.status().state().label()).append("\" data-bridge=\"").append(escape(b.id()))
                    .append("\" data-detail=\"").append(b.status().detail().label()).append("\">").append(escape(b.id() + ": " + b.status()))
                    .append("</p>");
        }
        h.append("</section>");
    }

    private static void store(StringBuilder h, Health.Store s) {
        h.append("<section><h2>Store</h2><dl>");
        row(h, "File", s.path());
        if (s.error() == null) {
            h.append("<dt>Size</dt><dd id=\"store-bytes\">").append(s.bytes() / 1024).append(" KiB</dd>");
            h.append("<dt>Waiting to be sent</dt><dd id=\"backlog\">").append(s.unsent()).append(" readings</dd>");
            h.append("<dt>Oldest unsent</dt><dd id=\"oldest\">").append(s.oldestUnsent() == null ? "none" : s.oldestUnsent().toString()).append("</dd>");
        } else {
            row(h, "Error", s.error());
        }
        if (s.damage() != null) {
            h.append("<dt>Damaged store</dt><dd id=\"store-damage\">").append(escape(s.damage())).append("</dd>");
        }
        if (s.lostDiskFull() > 0) {
            h.append("<dt>Lost to a full disk</dt><dd id=\"lost-disk-full\">").append(s.lostDiskFull()).append(" readings</dd>");
        }
        h.append("</dl></section>");
    }

    private void things(StringBuilder h, Health health) {
        h.append("<section><h2>Things</h2>");
        Instant now = Instant.now();
        for (Health.ThingHealth t : health.things()) {
            String id = escape(t.id());
            h.append("<article class=\"thing\" data-thing=\"").append(id).append("\"><h3>").append(escape(t.name()))
                    .append(" <small>").append(id).append("</small></h3>");
            h.append("<p class=\"status ").append(t.status().state().label()).append("\" data-detail=\"")
                    .append(t.status().detail().label()).append("\">").append(escape(t.status().toString())).append("</p>");
            h.append("<table><tbody>");
            for (LatestValueCache.LatestField f : gateway.latest().fields(t.id())) {
                String name = f.field().name();
                if (name.equals(Reading.STATUS_FIELD)) {
                    continue;
                }
                h.append("<tr data-field=\"").append(escape(name)).append("\"><th>").append(escape(name)).append("</th><td class=\"value\">")
                        .append(escape(text(f.field().value()))).append("</td><td class=\"age\">")
                        .append(age(Duration.between(f.timestamp(), now))).append("</td></tr>");
            }
            h.append("</tbody></table>");
            for (String field : StatusJson.numericFields(gateway, t.id())) {
                h.append("<figure class=\"chart-box\" data-chart-thing=\"").append(id).append("\" data-chart-field=\"").append(escape(field)).append("\">");
                try {
                    h.append(chart(t.id(), field));
                } catch (SQLException e) {
                    h.append("<p>").append(escape(e.getMessage())).append("</p>");
                }
                h.append("<figcaption>").append(escape(field)).append(", last hour</figcaption></figure>");
            }
            h.append("</article>");
        }
        h.append("</section>");
    }

    private static void ports(StringBuilder h) {
        h.append("<section><h2>Serial ports</h2><ul>");
        try {
            List<SerialPortListing.Port> ports = SerialPortListing.list();
            if (ports.isEmpty()) {
                h.append("<li>none</li>");
            }
            for (SerialPortListing.Port p : ports) {
                h.append("<li>").append(escape(p.device())).append(p.stableNames().isEmpty() ? "" : " — " + escape(String.join(", ", p.stableNames())))
                        .append("</li>");
            }
        } catch (IOException e) {
            h.append("<li>").append(escape(e.getMessage())).append("</li>");
        }
        h.append("</ul></section>");
    }

    private void warnings(StringBuilder h) {
        h.append("<section><h2>Recent warnings</h2><ul id=\"warnings\">");
        if (warnings == null || warnings.newestFirst().isEmpty()) {
            h.append("<li>none</li>");
        } else {
            for (RecentWarnings.Warning w : warnings.newestFirst()) {
                h.append("<li>").append(w.time().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append(' ').append(escape(w.message())).append("</li>");
            }
        }
        h.append("</ul></section>");
    }

    private static void row(StringBuilder h, String name, String value) {
        h.append("<dt>").append(escape(name)).append("</dt><dd>").append(escape(value)).append("</dd>");
    }

    static String text(FieldValue v) {
        if (v instanceof FieldValue.NumericValue n) {
            return n.value().toPlainString() + (n.unit().isEmpty() ? "" : " " + n.unit());
        }
        if (v instanceof FieldValue.IntegerValue i) {
            return Long.toString(i.value());
        }
        if (v instanceof FieldValue.BooleanValue b) {
            return b.value() ? "on" : "off";
        }
        return ((FieldValue.StringValue) v).value();
    }

    static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 120 ? s + " s ago" : s < 7200 ? s / 60 + " min ago" : s / 3600 + " h ago";
    }

    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            body{font-family:system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:.5rem 1rem;color:#1b1f24}
            h1{font-size:1.3rem}h2{font-size:1.1rem;border-bottom:1px solid #d0d7de}h3{margin:.2rem 0;font-size:1rem}
            dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{color:#57606a}dd{margin:0}
            .thing{border:1px solid #d0d7de;border-radius:6px;padding:.5rem;margin:.5rem 0}
            .online{color:#1a7f37}.offline{color:#cf222e}.starting,.disabled{color:#9a6700}
            table{border-collapse:collapse}th{text-align:left;padding-right:1rem;font-weight:normal;color:#57606a}
            td{padding-right:1rem}.age,.muted{color:#8c959f;font-size:.85rem}
            figure{margin:.3rem 0;display:inline-block;width:min(100%,20rem)}figcaption{font-size:.75rem;color:#57606a}
            .chart{width:100%;height:auto}
            """;

    private static final String SCRIPT = """
            const age = s => s < 120 ? s + ' s ago' : s < 7200 ? Math.floor(s / 60) + ' min ago' : Math.floor(s / 3600) + ' h ago';
            const text = f => typeof f.value === 'boolean' ? (f.value ? 'on' : 'off') : String(f.value) + (f.unit ? ' ' + f.unit : '');
            async function refresh() {
              try {
                const r = await fetch('api/status', {cache: 'no-store'});
                if (!r.ok) return;
                const s = await r.json();
                const shown = [...document.querySelectorAll('[data-thing]')].map(e => e.dataset.thing).join();
                if (shown !== s.things.map(t => t.id).join()) { location.reload(); return; }
                for (const t of s.things) {
                  const box = document.querySelector('[data-thing="' + CSS.escape(t.id) + '"]');
                  const st = box.querySelector('.status');
                  st.textContent = t.status; st.className = 'status ' + t.state;
                  for (const f of t.fields) {
                    const row = box.querySelector('[data-field="' + CSS.escape(f.name) + '"]');
                    if (!row) { location.reload(); return; }
                    row.querySelector('.value').textContent = text(f);
                    row.querySelector('.age').textContent = age(f.ageSeconds);
                  }
                }
                const c = document.getElementById('connection');
                c.textContent = s.connection.connected ? 'connected to ' + s.connection.connectedTo + ' since ' + s.connection.since
                    : 'not connected' + (s.connection.lastFailure ? ': ' + s.connection.lastFailure : '');
                c.className = s.connection.connected ? 'online' : 'offline';
                document.getElementById('reconnects').textContent = s.connection.reconnects;
                document.getElementById('published').textContent = s.connection.published + ' readings';
                if (s.store.backlog !== undefined) {
                  document.getElementById('backlog').textContent = s.store.backlog + ' readings';
                  document.getElementById('oldest').textContent = s.store.oldestUnsent || 'none';
                  document.getElementById('store-bytes').textContent = Math.floor(s.store.bytes / 1024) + ' KiB';
                }
                const w = document.getElementById('warnings');
                w.replaceChildren(...(s.warnings.length ? s.warnings : [{time: '', message: 'none'}]).map(x => {
                  const li = document.createElement('li'); li.textContent = (x.time ? x.time + ' ' : '') + x.message; return li; }));
                document.getElementById('updated').textContent = new Date().toISOString().replace(/\\.\\d+Z$/, 'Z');
              } catch (e) { /* the gateway is restarting; try again */ }
            }
            async function charts() {
              for (const f of document.querySelectorAll('[data-chart-thing]')) {
                try {
                  const r = await fetch('chart?thing=' + encodeURIComponent(f.dataset.chartThing) + '&field=' + encodeURIComponent(f.dataset.chartField), {cache: 'no-store'});
                  if (r.ok) f.querySelector('svg').outerHTML = await r.text();
                } catch (e) { }
              }
            }
            setInterval(refresh, 2000);
            setInterval(charts, 30000);
            """;
}
