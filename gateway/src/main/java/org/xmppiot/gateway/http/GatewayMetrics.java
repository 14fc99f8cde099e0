package org.xmppiot.gateway.http;

import java.io.IOException;
import java.io.OutputStream;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.xmppiot.core.bus.LatestValueCache;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.gateway.health.Health;

/**
 * What {@code /metrics} says, in the Prometheus text format, written by the Prometheus Java client: the gateway's
 * counters (readings taken, stored, published, dropped by cause, backlog, reconnects), the publish round trip as a
 * histogram, each thing's status, and every numeric sensor value as a gauge labelled thing, field and unit. Values
 * are read from the running gateway at each scrape; nothing is counted twice.
 */
final class GatewayMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final ViewedGateway gateway;

    /** The health read once per scrape, so that every series of one scrape tells of the same moment. */
    private volatile Health now;

    GatewayMetrics(ViewedGateway gateway, RequestGuard guard) {
        this.gateway = gateway;
        CounterWithCallback.builder().name("xmppiot_readings_taken").help("Readings the things' drivers handed to the gateway")
                .callback(cb -> cb.call(now.counters().taken())).register(registry);
        CounterWithCallback.builder().name("xmppiot_readings_stored").help("Readings committed to the store")
                .callback(cb -> cb.call(now.store().stored())).register(registry);
        CounterWithCallback.builder().name("xmppiot_readings_published").help("Readings the XMPP server confirmed on a pub/sub node")
                .callback(cb -> cb.call(now.publishing().published())).register(registry);
        CounterWithCallback.builder().name("xmppiot_readings_dropped").help("Readings lost, by cause").labelNames("cause")
                .callback(cb -> {
                    cb.call(now.counters().busDrops(), "bus_queue_full");
                    cb.call(now.store().droppedUnsent(), "store_limits");
                    cb.call(now.store().lost(), "store_write_error");
                    cb.call(now.store().lostDiskFull(), "store_disk_full");
                    cb.call(now.publishing().refused(), "refused_by_server");
                }).register(registry);
        GaugeWithCallback.builder().name("xmppiot_backlog_readings").help("Readings stored and not yet confirmed by the server")
                .callback(cb -> {
                    if (now.store().error() == null) { // Otherwise left out of this scrape; the next one tries again.
                        cb.call(now.store().unsent());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("xmppiot_store_damaged").help("1 while a damaged store is kept beside the new one (see the status page)")
                .callback(cb -> cb.call(now.store().damage() != null ? 1 : 0)).register(registry);
        GaugeWithCallback.builder().name("xmppiot_store_bytes").help("Size of the store's database")
                .callback(cb -> {
                    if (now.store().error() == null) {
                        cb.call(now.store().bytes());
                    }
                }).register(registry);
        CounterWithCallback.builder().name("xmppiot_xmpp_reconnects").help("XMPP sessions set up after the first")
                .callback(cb -> cb.call(now.connection().reconnects())).register(registry);
        CounterWithCallback.builder().name("xmppiot_xmpp_resumptions").help("XMPP sessions resumed after a drop (XEP-0198), without a new login")
                .callback(cb -> cb.call(now.connection().resumptions())).register(registry);
        GaugeWithCallback.builder().name("xmppiot_xmpp_connected").help("1 while the XMPP session is up")
                .callback(cb -> cb.call(now.connection().connected() ? 1 : 0)).register(registry);
        GaugeWithCallback.builder().name("xmppiot_publishing_blocked").help("1 while the pub/sub service refuses the nodes (see the status page)")
                .callback(cb -> cb.call(now.publishing().waits() != null ? 1 : 0)).register(registry);
        Histogram roundTrip = Histogram.builder().name("xmppiot_publish_round_trip_seconds")
                .help("From sending a pub/sub publish to the server's confirmation")
                .classicOnly().classicUpperBounds(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10).register(registry);
        gateway.measureRoundTrips(roundTrip::observe);
        GaugeWithCallback.builder().name("xmppiot_thing_status")
                .help("1 for each thing's current state, with the kind of its trouble (detail; none when it has none)")
                .labelNames("thing", "state", "detail")
                .callback(cb -> now.things().forEach(t -> stateSeries(cb, t.id(), t.status()))).register(registry);
        GaugeWithCallback.builder().name("xmppiot_bridge_status")
                .help("1 for each bridge's (shared bus's) current state, with the kind of its trouble (detail)")
                .labelNames("bridge", "state", "detail")
                .callback(cb -> now.bridges().forEach(b -> stateSeries(cb, b.id(), b.status()))).register(registry);
        CounterWithCallback.builder().name("xmppiot_input_rejected").help("Input a thing's driver could not use, by kind (bad frames, device faults, bad advertisements)")
                .labelNames("thing", "kind")
                .callback(cb -> now.things().forEach(t -> t.rejected().forEach((kind, n) -> cb.call(n, t.id(), kind))))
                .register(registry);
        CounterWithCallback.builder().name("xmppiot_http_refused").help("Requests to the local views refused, by reason").labelNames("reason")
                .callback(cb -> guard.refused().forEach((reason, n) -> cb.call(n.get(), reason))).register(registry);
        LatestValueCache latest = gateway.latest();
        GaugeWithCallback.builder().name("xmppiot_sensor_value").help("The last value of every numeric field (booleans as 1 and 0)")
                .labelNames("thing", "field", "unit")
                .callback(cb -> {
                    for (String thing : latest.things()) {
                        for (LatestValueCache.LatestField f : latest.fields(thing)) {
                            Double value = number(f.field().value());
                            if (value != null) {
                                String unit = f.field().value() instanceof FieldValue.NumericValue n ? n.unit() : "";
                                cb.call(value, thing, f.field().name(), unit);
                            }
                        }
                    }
                }).register(registry);
    }

    /** One series per state for {@code id}: 1 for its current state, with that state's detail, 0 (detail none) for the others. */
    private static void stateSeries(GaugeWithCallback.Callback cb, String id, ThingStatus status) {
        for (ThingStatus.State s : ThingStatus.State.values()) {
            cb.call(status.state() == s ? 1 : 0, id, s.label(), status.state() == s ? status.detail().label() : "none");
        }
    }

    private static Double number(FieldValue v) {
        if (v instanceof FieldValue.NumericValue n) {
            return n.value().doubleValue();
        }
        if (v instanceof FieldValue.IntegerValue i) {
            return (double) i.value();
        }
        if (v instanceof FieldValue.BooleanValue b) {
            return b.value() ? 1.0 : 0.0;
        }
        return null;
    }

    String contentType() {
        return writer.getContentType();
    }

    synchronized void write(OutputStream out) throws IOException {
        now = gateway.health();
        writer.write(out, registry.scrape());
    }
}
