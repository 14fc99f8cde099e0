package org.xmppiot.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;

/** A one-off look at what is announced on the network, for the {@code discover} command. */
public final class MdnsListing {

    /** One announced service. */
    public record Found(String type, String instance, String host, int port, Map<String, String> txt) {
    }

    private MdnsListing() {
    }

    /** Everything of {@code types} that resolves within {@code wait}, on the address {@code bind} chooses. */
    public static List<Found> list(String bind, List<String> types, Duration wait) throws IOException, InterruptedException {
        InetAddress address = InterfaceChoice.choose(bind);
        Map<String, Found> found = Collections.synchronizedMap(new LinkedHashMap<>());
        // JmDNS's request waits for its answer: ask from a few threads of our own, not its event thread.
        java.util.concurrent.ExecutorService resolver = java.util.concurrent.Executors.newFixedThreadPool(4);
        try (JmDNS jmdns = JmDNS.create(address, "xmpp-iot-discover")) {
            ServiceListener listener = new ServiceListener() {
                @Override
                public void serviceAdded(ServiceEvent event) {
                    resolver.execute(() -> jmdns.requestServiceInfo(event.getType(), event.getName(), 1000));
                }

                @Override
                public void serviceRemoved(ServiceEvent event) {
                    found.remove(event.getType() + event.getName());
                }

                @Override
                public void serviceResolved(ServiceEvent event) {
                    ServiceInfo info = event.getInfo();
                    if (info == null || info.getInet4Addresses().length == 0) {
                        return;
                    }
                    Map<String, String> txt = new LinkedHashMap<>();
                    for (String name : Collections.list(info.getPropertyNames())) {
                        txt.put(name, info.getPropertyString(name));
                    }
                    // TXT sometimes arrives after the address: keep the fullest answer.
                    found.merge(event.getType() + event.getName(), new Found(event.getType(), event.getName(),
                            info.getInet4Addresses()[0].getHostAddress(), info.getPort(), txt),
                            (old, now) -> now.txt().size() >= old.txt().size() ? now : old);
                }
            };
            for (String type : types) {
                jmdns.addServiceListener(type, listener);
            }
            Thread.sleep(wait.toMillis());
        } finally {
            resolver.shutdownNow();
        }
        synchronized (found) {
            return new ArrayList<>(found.values());
        }
    }
}
