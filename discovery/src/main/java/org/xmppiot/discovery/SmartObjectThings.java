package org.xmppiot.discovery;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.Frame;
import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.DeviceProfile;
import org.xmppiot.core.spi.FrameMapper;
import org.xmppiot.core.spi.FrameRejectedException;
import org.xmppiot.core.spi.ReadingSink;

/**
 * Makes discovered smart objects things like any other: their status (online while announced and
 * answering, offline with the reason) goes to the sink like a driver's, and one that offers its readings over HTTP ({@code data=/path} in its TXT,
 * a JSON object) is polled, each top-level value becoming a field through the same mapping as the
 * json-lines serial profile.
 */
public final class SmartObjectThings implements MdnsDiscovery.Listener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SmartObjectThings.class);
    /** Largest answer read from an object: they are small devices; anything bigger is not a reading. */
    private static final int MAX_BODY = 64 * 1024;

    private final ReadingSink sink;
    private final Duration pollInterval;
    private final DeviceProfile jsonProfile;
    private final Consumer<SmartObject> newThing;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mdns-poller");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, ScheduledFuture<?>> polls = new ConcurrentHashMap<>();
    private final Map<String, FrameMapper> mappers = new ConcurrentHashMap<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong failedPolls = new AtomicLong();

    /**
     * @param newThing told once per object, before its first reading (the gateway creates its node)
     */
    public SmartObjectThings(ReadingSink sink, Duration pollInterval, DeviceProfile jsonProfile, Consumer<SmartObject> newThing) {
        this.sink = sink;
        this.pollInterval = pollInterval;
        this.jsonProfile = jsonProfile;
        this.newThing = newThing;
    }

    @Override
    public void appeared(SmartObject object) {
        if (seen.add(object.thingId())) {
            newThing.accept(object);
        }
        sink.status(object.thingId(), ThingStatus.online());
        ScheduledFuture<?> old = polls.remove(object.thingId());
        if (old != null) {
            old.cancel(false);
        }
        if (object.dataPath() != null) {
            polls.put(object.thingId(), poller.scheduleWithFixedDelay(() -> poll(object), 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    @Override
    public void gone(SmartObject object) {
        ScheduledFuture<?> poll = polls.remove(object.thingId());
        if (poll != null) {
            poll.cancel(false);
        }
        sink.status(object.thingId(), ThingStatus.offline(ThingStatus.Detail.DEVICE_MISSING, "said goodbye or stopped announcing on the network"));
    }

    private void poll(SmartObject object) {
        URI uri = URI.create("http://" + object.address() + object.dataPath());
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            byte[] body = response.body();
            if (body.length > MAX_BODY) {
                throw new IOException("answer of " + body.length + " bytes is larger than " + MAX_BODY);
            }
            FrameMapper mapper = mappers.computeIfAbsent(object.thingId(), id -> jsonProfile.mapper());
            List<Field> fields = mapper.map(new Frame(uri.toString(), Instant.now(), body));
            emit(object.thingId(), fields);
            sink.status(object.thingId(), ThingStatus.online());
        } catch (FrameRejectedException | IOException e) {
            failed(object, uri, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failed(object, uri, e.toString());
        }
    }

    private void failed(SmartObject object, URI uri, String why) {
        sink.status(object.thingId(), ThingStatus.offline(ThingStatus.Detail.NO_ANSWER, "reading " + uri + " failed: " + why));
        if (failedPolls.incrementAndGet() % 100 == 1) {
            log.warn("mdns object {}: reading {} failed: {} (failed_total={})", object.thingId(), uri, why, failedPolls.get());
        }
    }

    private void emit(String thingId, List<Field> fields) {
        sink.accept(new Reading(thingId, sequence.incrementAndGet(), Instant.now().truncatedTo(ChronoUnit.MILLIS), new ArrayList<>(fields)));
    }

    public long failedPolls() {
        return failedPolls.get();
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
