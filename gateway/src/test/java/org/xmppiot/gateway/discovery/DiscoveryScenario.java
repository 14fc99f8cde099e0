package org.xmppiot.gateway.discovery;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.MulticastSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.pubsub.LeafNode;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.jxmpp.jid.impl.JidCreate;
import org.xmppiot.discovery.DiscoveryConfig;
import org.xmppiot.gateway.config.GatewayConfig;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.core.testing.Await;
import org.xmppiot.core.thing.ThingRegistry;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.cli.Main;
import org.xmppiot.gateway.demo.ProsodyServer;
import org.xmppiot.gateway.iotdata.SensorDataFields;
import org.xmppiot.gateway.xmpp.XmppConnectionFactory;

/**
 * The whole discovery story, run inside a network namespace of its own (see DiscoveryNetnsTest), so
 * multicast never leaves it: a Prosody, a smart object in another process, the gateway, a flood of
 * announcements, and {@code discover} in a third process. Prints its measurements and "SCENARIO OK";
 * any failure ends it with a non-zero exit and the reason.
 */
public final class DiscoveryScenario {

    private static final int MAX_OBJECTS = 50;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        try (ProsodyServer prosody = ProsodyServer.start(ProsodyServer.Options.withPubSubAdmins("gateway@localhost"))) {
            prosody.register("gateway", "gateway-password");
            prosody.register("reader", "reader-password");
            Files.writeString(dir.resolve("gateway.password"), "gateway-password\n");
            Files.writeString(dir.resolve("reader.password"), "reader-password\n");
            Path config = dir.resolve("gateway.yaml");
            Files.writeString(config, """
                    xmpp:
                      jid: gateway@localhost
                      password-file: gateway.password
                      server: 127.0.0.1
                      port: %d
                      tls: disabled
                      pubsub:
                        service: pubsub.localhost
                        node-prefix: lan/
                        max-items: 100
                    access:
                      readers: [ reader@localhost ]
                    store:
                      path: gateway.db
                    discovery:
                      enabled: true
                      bind: 127.0.0.1
                      max-objects: %d
                      poll-interval: 1s
                    things:
                      - id: boiler
                        driver: simulated
                        interval: 1s
                        fields: [ { name: temperature, unit: "°C", waveform: constant, value: 60 } ]
                    """.formatted(prosody.port(), MAX_OBJECTS));
            Files.writeString(dir.resolve("reader.yaml"), Files.readString(config).replace("gateway@localhost", "reader@localhost")
                    .replace("gateway.password", "reader.password"));

            Process object = java(SmartObjectSimulator.class.getName());
            try {
                BufferedReader objectOut = new BufferedReader(new InputStreamReader(object.getInputStream(), StandardCharsets.UTF_8));
                check(objectOut.readLine().startsWith("ready"), "the smart object did not start");
                run(config, prosody, object, objectOut, dir);
            } finally {
                object.destroyForcibly();
            }
        }
        System.out.println("SCENARIO OK");
        System.exit(0);
    }

    private static void run(Path config, ProsodyServer prosody, Process object, BufferedReader objectOut, Path dir) throws Exception {
        DriverRegistry drivers = DriverRegistry.fromClassPath();
        GatewayConfig loaded = GatewayConfigLoader.load(config, drivers);
        List<Reading> onBus = new CopyOnWriteArrayList<>();
        try (Gateway gateway = new Gateway(loaded, drivers)) {
            gateway.bus().subscribe("scenario", 100_000, onBus::add);
            long start = System.nanoTime();
            gateway.start();
            check(gateway.uplink().awaitReady(Await.GENEROUS) != null, "the gateway did not connect");
            await("the smart object to be discovered", Await.GENEROUS,
                    () -> gateway.discovery().objects().stream().anyMatch(o -> o.thingId().equals("kitchen-sensor")));
            System.out.printf("discovered after %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));

            await("its readings to reach its node", Await.GENEROUS, () -> nodeHasTemperature(config));
            System.out.println("readings on node lan/kitchen-sensor");

            // Another process finds the gateway and its JID.
            String listing = discover();
            System.out.print(listing);
            check(listing.contains("gateway  gateway@localhost"), "discover did not list the gateway: " + listing);
            check(listing.contains("\"Kitchen Sensor\""), "discover did not list the smart object: " + listing);

            // Goodbye: the object leaves, the gateway says so.
            object.getOutputStream().write("goodbye\n".getBytes(StandardCharsets.UTF_8));
            object.getOutputStream().flush();
            check("gone".equals(objectOut.readLine()), "the smart object did not say goodbye");
            long bye = System.nanoTime();
            await("the object to be marked unavailable", Await.GENEROUS, () -> onBus.stream().anyMatch(r -> r.thingId().equals("kitchen-sensor")
                    && r.field(ThingRegistry.STATUS_FIELD) != null
                    && r.field(ThingRegistry.STATUS_FIELD).value().toString().contains("offline: said goodbye")));
            System.out.printf("marked unavailable %d ms after goodbye%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - bye));

            // It comes back: the same thing, available again.
            int before = onBus.size();
            object.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
            object.getOutputStream().flush();
            check("back".equals(objectOut.readLine()), "the smart object did not come back");
            await("the object to be available again", Await.GENEROUS, () -> onBus.subList(before, onBus.size()).stream()
                    .anyMatch(r -> r.thingId().equals("kitchen-sensor") && r.field(ThingRegistry.STATUS_FIELD) != null
                            && r.field(ThingRegistry.STATUS_FIELD).value().equals(new org.xmppiot.core.model.FieldValue.StringValue("online"))));
            check(gateway.discovery().objects().size() == 1, "the returning object became a second thing: " + gateway.discovery().objects());
            System.out.println("available again as kitchen-sensor");

            // A flood: announcements of 10,000 different objects beyond the cap, as fast as the gateway takes them in.
            Runtime rt = Runtime.getRuntime();
            long heapBefore = rt.totalMemory() - rt.freeMemory();
            long ignoredBefore = gateway.discovery().ignored();
            int sent = flood(10_000, () -> gateway.discovery().ignored() - ignoredBefore);
            long ignored = gateway.discovery().ignored() - ignoredBefore;
            System.out.printf("flood: sent %d announcements, the gateway counted and ignored %d; kept %d, resolving %d%n", sent, ignored,
                    gateway.discovery().objects().size(), gateway.discovery().resolving());
            check(ignored >= 10_000, "the gateway stopped taking in announcements: " + ignored + " of " + sent + " counted");
            int kept = gateway.discovery().objects().size() + gateway.discovery().resolving();
            System.gc();
            long heapAfter = rt.totalMemory() - rt.freeMemory();
            int cached = gateway.discovery().cachedRecords();
            System.out.printf("flood: kept %d (cap %d), ignored %d, heap %d -> %d MB, mDNS records cached %d%n", kept, MAX_OBJECTS,
                    gateway.discovery().ignored(), heapBefore >> 20, heapAfter >> 20, cached);
            check(kept <= MAX_OBJECTS, "the gateway kept " + kept + " objects, more than its cap of " + MAX_OBJECTS);
            // What the flood leaves in memory is bounded by the cap, not by the flood: a few records per object kept.
            check(cached <= 10 * MAX_OBJECTS, "the mDNS cache holds " + cached + " records after the flood");
            long published = gateway.publisher().published();
            await("the gateway to go on publishing after the flood", Await.GENEROUS, () -> gateway.publisher().published() > published);
        }
    }

    private static boolean nodeHasTemperature(Path config) {
        try {
            XMPPTCPConnection c = XmppConnectionFactory.create(GatewayConfigLoader.loadXmpp(config.resolveSibling("reader.yaml")));
            try {
                c.connect().login();
                LeafNode node = PubSubManager.getInstanceFor(c, JidCreate.bareFrom("pubsub.localhost")).getLeafNode("lan/kitchen-sensor");
                List<PayloadItem<SensorDataFields>> items = node.getItems();
                return items.stream().flatMap(i -> i.getPayload().readings().stream())
                        .anyMatch(r -> r.field("temperature") != null && r.field("temperature").value().toString().contains("21.5"));
            } finally {
                c.disconnect();
            }
        } catch (Exception e) {
            return false; // The node is not there yet.
        }
    }

    private static String discover() throws Exception {
        Process p = java(Main.class.getName(), "discover", "--seconds", "5", "--bind", "127.0.0.1");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        check(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "discover failed: " + out);
        return out;
    }

    /**
     * Sends one mDNS response per made-up object, as a misbehaving or hostile device on the LAN might, until the
     * gateway has counted {@code wanted} of them; returns how many were sent. Paced by what the gateway has counted, never by the clock: at most
     * {@link #IN_FLIGHT} datagrams are on their way at once, far less than a socket buffer holds, so a slow machine
     * gets the same flood as a fast one, only later. What the kernel still drops is replaced by further objects.
     */
    private static int flood(int wanted, java.util.function.LongSupplier counted) throws Exception {
        long start = System.nanoTime();
        long lastProgress = start;
        long lastCount = 0;
        int sent = 0;
        long writtenOff = 0; // Sent, but not counted after a quiet second: dropped on the way, or kept within the cap.
        // From port 5353, as mDNS responders send: receivers ignore answers from other ports.
        try (MulticastSocket socket = new MulticastSocket(5353)) {
            socket.setInterface(InetAddress.getByName("127.0.0.1"));
            socket.setTimeToLive(255);
            InetAddress group = InetAddress.getByName("224.0.0.251");
            // Bounded in count, and ended when the gateway takes in nothing more for a generous while.
            while (counted.getAsLong() < wanted && sent < 3 * wanted && System.nanoTime() - lastProgress < Await.GENEROUS.toNanos()) {
                if (counted.getAsLong() != lastCount) {
                    lastCount = counted.getAsLong();
                    lastProgress = System.nanoTime();
                }
                long last = counted.getAsLong();
                long quietSince = System.nanoTime();
                while (sent - writtenOff - counted.getAsLong() >= IN_FLIGHT) { // Let the gateway catch up.
                    Thread.sleep(2);
                    long now = counted.getAsLong();
                    if (now != last) {
                        last = now;
                        quietSince = System.nanoTime();
                    } else if (System.nanoTime() - quietSince > 1_000_000_000L) {
                        writtenOff = sent - now;
                    }
                }
                if (sent % 5000 == 0) {
                    System.out.printf("flood progress: %d ms, sent %d, counted %d%n", (System.nanoTime() - start) / 1_000_000, sent, last);
                }
                for (int i = 0; i < 50; i++, sent++) {
                    byte[] packet = ptrAnnouncement(DiscoveryConfig.OBJECT_TYPE, "flood-" + sent);
                    socket.send(new DatagramPacket(packet, packet.length, group, 5353));
                }
            }
        }
        await("the gateway to count the flood", Duration.ofSeconds(30), () -> counted.getAsLong() >= wanted);
        return sent;
    }

    private static final int IN_FLIGHT = 500;

    /** A DNS response with one PTR record: "instance.type" is an instance of "type" (RFC 6762/6763). */
    private static byte[] ptrAnnouncement(String type, String instance) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0, 0, (byte) 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0}); // id 0, response+authoritative, 1 answer
        byte[] typeName = name(type);
        b.writeBytes(typeName);
        b.writeBytes(new byte[] {0, 12, 0, 1, 0, 0, 0x11, (byte) 0x94}); // PTR, IN, TTL 4500 s
        byte[] target = name(instance + "." + type);
        b.write(target.length >> 8);
        b.write(target.length);
        b.writeBytes(target);
        return b.toByteArray();
    }

    private static byte[] name(String dotted) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String label : dotted.split("\\.")) {
            if (!label.isEmpty()) {
                byte[] bytes = label.getBytes(StandardCharsets.UTF_8);
                b.write(bytes.length);
                b.writeBytes(bytes);
            }
        }
        b.write(0);
        return b.toByteArray();
    }

    private static Process java(String mainClass, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        try {
            Await.until(what, timeout, condition);
        } catch (AssertionError e) {
            check(false, e.getMessage());
        }
    }

    private static void check(boolean ok, String failure) {
        if (!ok) {
            System.out.println("SCENARIO FAILED: " + failure);
            System.out.flush();
            System.exit(1);
        }
    }
}
