package org.xmppiot.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import javax.jmdns.impl.DNSCache;
import javax.jmdns.impl.DNSEntry;
import javax.jmdns.impl.DNSRecord;
import javax.jmdns.impl.JmDNSImpl;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.discovery.DiscoveryConfig;

/**
 * The gateway's part in mDNS / DNS-SD: advertises it (with its JID in TXT) and keeps the smart objects
 * of the configured service types, each as a thing that appears when resolved and is gone on goodbye
 * or when its records expire. Bounded: beyond {@code max-objects} announcements are only counted and
 * never resolved, so a flood costs neither memory nor queries.
 */
public final class MdnsDiscovery implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MdnsDiscovery.class);

    /** Told about objects as they come and go; called on JmDNS's threads, must return quickly. */
    public interface Listener {
        void appeared(SmartObject object);

        void gone(SmartObject object);
    }

    private final DiscoveryConfig config;
    private final Listener listener;
    private final JmDNS jmdns;
    /** Known objects by "type/instance"; those gone stay (marked absent) so a return keeps the thing id. */
    private final Map<String, SmartObject> known = new LinkedHashMap<>();
    private final Map<String, Boolean> present = new HashMap<>();
    /** Announced and asked for, not yet resolved, with when: they count against the cap until resolved or stale. */
    private final Map<String, Long> resolving = new HashMap<>();
    private static final long RESOLVE_GIVE_UP_NANOS = 30_000_000_000L;
    private final AtomicLong ignored = new AtomicLong();
    private final ServiceListener browser = new Browser();
    private static final long RESOLVE_WAIT_MILLIS = 1000;
    private final java.util.concurrent.ExecutorService resolver = java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "mdns-resolver");
        t.setDaemon(true);
        return t;
    });

    private MdnsDiscovery(DiscoveryConfig config, Listener listener, JmDNS jmdns) {
        this.config = config;
        this.listener = listener;
        this.jmdns = jmdns;
    }

    /** Starts on the configured address; advertises {@code self} when given and allowed; browses the types. */
    public static MdnsDiscovery start(DiscoveryConfig config, GatewayAnnouncement self, Listener listener) throws IOException {
        InetAddress address = InterfaceChoice.choose(config.bind());
        JmDNS jmdns = JmDNS.create(address, "xmpp-iot-gateway");
        MdnsDiscovery discovery = new MdnsDiscovery(config, listener, jmdns);
        if (self != null && config.advertise()) {
            jmdns.registerService(ServiceInfo.create(DiscoveryConfig.GATEWAY_TYPE, self.name(), 0, 0, 0, self.txt()));
        }
        for (String type : config.browse()) {
            jmdns.addServiceListener(type, discovery.browser);
        }
        log.info("mdns on {} advertising={} browsing={} max_objects={}", address.getHostAddress(), self != null && config.advertise(),
                config.browse(), config.maxObjects());
        return discovery;
    }

    private final class Browser implements ServiceListener {
        @Override
        public void serviceAdded(ServiceEvent event) {
            String key = key(event);
            synchronized (MdnsDiscovery.this) {
                if (resolving.containsKey(key) || Boolean.TRUE.equals(present.get(key))) {
                    return;
                }
                if (known.containsKey(key)) {
                    resolving.put(key, System.nanoTime()); // Back after a goodbye: resolve it again, it keeps its thing.
                    jmdnsRequest(event);
                    return;
                }
                long now = System.nanoTime();
                resolving.values().removeIf(since -> now - since > RESOLVE_GIVE_UP_NANOS);
                if (known.size() + resolving.size() >= config.maxObjects()) {
                    if (ignored.incrementAndGet() == 1) {
                        log.warn("mdns keeps at most {} objects (discovery.max-objects); further ones are counted and ignored",
                                config.maxObjects());
                    }
                    forget(event);
                    return;
                }
                resolving.put(key, now);
            }
            jmdnsRequest(event);
        }

        /**
         * Asks for its address, port and TXT; the answer comes to serviceResolved. JmDNS's request waits
         * for the answer, so it runs on our own threads: a flood of objects that never answer must not
         * hold up the events of real ones.
         */
        private void jmdnsRequest(ServiceEvent event) {
            resolver.execute(() -> jmdns.requestServiceInfo(event.getType(), event.getName(), RESOLVE_WAIT_MILLIS));
        }

        @Override
        public void serviceResolved(ServiceEvent event) {
            ServiceInfo info = event.getInfo();
            if (info == null || info.getInet4Addresses().length == 0 || info.getPort() == 0) {
                return; // Resolution goes on; a later event carries the rest.
            }
            String key = key(event);
            SmartObject object;
            synchronized (MdnsDiscovery.this) {
                SmartObject before = known.get(key);
                boolean asked = resolving.remove(key) != null;
                if (before == null && !asked && known.size() + resolving.size() >= config.maxObjects()) {
                    ignored.incrementAndGet();
                    forget(event);
                    return;
                }
                object = new SmartObject(before == null ? newThingId(event.getName()) : before.thingId(), event.getName(),
                        event.getType(), info.getInet4Addresses()[0].getHostAddress(), info.getPort(), txt(info));
                boolean wasPresent = Boolean.TRUE.equals(present.get(key));
                if (object.equals(before) && wasPresent) {
                    return; // The same again: JmDNS resolves repeatedly.
                }
                known.put(key, object);
                present.put(key, true);
            }
            log.info("mdns object {} ({}) at {} txt={}", object.thingId(), object.type(), object.address(), object.txt());
            listener.appeared(object);
        }

        @Override
        public void serviceRemoved(ServiceEvent event) {
            String key = key(event);
            SmartObject object;
            synchronized (MdnsDiscovery.this) {
                object = known.get(key);
                if (object == null || !Boolean.TRUE.equals(present.put(key, false))) {
                    return;
                }
            }
            log.info("mdns object {} is gone", object.thingId());
            listener.gone(object);
        }
    }

    /**
     * Drops what JmDNS cached of an ignored object. JmDNS keeps every record it hears for the record's TTL
     * (over an hour for the usual 4,500 s), so without this a flood of announcements beyond the cap would
     * still grow the heap by about 1.7 KB each, with no bound.
     */
    private void forget(ServiceEvent event) {
        if (!(jmdns instanceof JmDNSImpl impl)) {
            return;
        }
        String alias = event.getName() + "." + event.getType();
        DNSCache cache = impl.getCache();
        for (String name : List.of(event.getType(), alias)) {
            for (DNSEntry entry : List.copyOf(cache.getDNSEntryList(name))) {
                if (entry.getName().equalsIgnoreCase(alias) || entry instanceof DNSRecord.Pointer p && p.getAlias().equalsIgnoreCase(alias)) {
                    cache.removeDNSEntry(entry);
                }
            }
        }
    }

    /** Records JmDNS holds in its cache now: bounded by the objects kept, whatever is announced. */
    public int cachedRecords() {
        return jmdns instanceof JmDNSImpl impl ? impl.getCache().allValues().size() : 0;
    }

    private static String key(ServiceEvent event) {
        return event.getType().toLowerCase(Locale.ROOT) + "/" + event.getName();
    }

    /** A thing id from the instance name: letters, digits, '.', '_', '-'; unique among those known. */
    private String newThingId(String instance) {
        String base = instance.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]+", "-").replaceAll("^[^a-z0-9]+", "");
        if (base.isEmpty()) {
            base = "object";
        }
        base = base.length() > 58 ? base.substring(0, 58) : base;
        String id = base;
        for (int n = 2; idTaken(id); n++) {
            id = base + "-" + n;
        }
        return id;
    }

    private boolean idTaken(String id) {
        return known.values().stream().anyMatch(o -> o.thingId().equals(id));
    }

    private static Map<String, String> txt(ServiceInfo info) {
        Map<String, String> txt = new LinkedHashMap<>();
        for (String name : Collections.list(info.getPropertyNames())) {
            String value = info.getPropertyString(name);
            txt.put(name, value == null ? "" : value);
        }
        return txt;
    }

    /** Objects known now, present or not. */
    public synchronized List<SmartObject> objects() {
        return List.copyOf(known.values());
    }

    /** Whether the object is there now (resolved and not gone). */
    public synchronized boolean isPresent(SmartObject object) {
        return Boolean.TRUE.equals(present.get(object.type().toLowerCase(Locale.ROOT) + "/" + object.instance()));
    }

    /** Objects announced and being resolved now (bounded by {@code max-objects} with the known ones). */
    public synchronized int resolving() {
        return resolving.size();
    }

    /** Announcements beyond {@code max-objects}, counted and ignored. */
    public long ignored() {
        return ignored.get();
    }

    @Override
    public void close() {
        resolver.shutdownNow();
        try {
            jmdns.unregisterAllServices();
            jmdns.close();
        } catch (IOException e) {
            log.warn("mdns close failed: {}", e.getMessage());
        }
    }
}
