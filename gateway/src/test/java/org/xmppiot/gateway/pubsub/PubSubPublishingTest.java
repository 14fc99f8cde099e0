package org.xmppiot.gateway.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.pubsub.EventElement;
import org.jivesoftware.smackx.pubsub.ItemsExtension;
import org.jivesoftware.smackx.pubsub.SubscribeExtension;
import org.jivesoftware.smackx.pubsub.packet.PubSub;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.gateway.config.GatewayConfig;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.config.XmppConfig;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.cli.Main;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.testing.ProsodyExtension;
import org.xmppiot.gateway.watch.ReadingFormatter;
import org.xmppiot.gateway.watch.ReadingWatcher;
import org.xmppiot.gateway.xmpp.XmppConnectionFactory;
import org.xmppiot.gateway.xmpp.XmppFailures;

/** The skeleton's promise end to end: simulated things -> gateway -> real Prosody pub/sub -> a subscriber. */
class PubSubPublishingTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway")
            .withAccount("gateway").withAccount("reader").withAccount("stranger");

    @TempDir
    Path dir;

    private static final DriverRegistry DRIVERS = DriverRegistry.fromClassPath();

    private GatewayConfig gatewayConfig(String readers) throws Exception {
        Path file = prosody.writeConfig(dir, "gateway", """
                    node-prefix: it/
                access:
                  readers: [ %s ]
                things:
                  - id: greenhouse
                    driver: simulated
                    interval: 40ms
                    fields:
                      - { name: temperature, unit: "°C", waveform: sine, min: 18, max: 26, period: 3s, decimals: 2 }
                      - { name: door, type: boolean, waveform: square, period: 1s }
                  - id: tank
                    driver: simulated
                    interval: 60ms
                    fields:
                      - { name: level, unit: cm, waveform: random-walk, min: 0, max: 200, step: 3, decimals: 1 }
                """.formatted(readers));
        return GatewayConfigLoader.load(file, DRIVERS);
    }

    private static List<Reading> of(List<Reading> readings, String thing) {
        return readings.stream().filter(r -> r.thingId().equals(thing)).toList();
    }

    @Test
    void aSubscriberReceivesEveryReadingOfTwoThingsWithValuesUnitsAndTimestamps() throws Exception {
        GatewayConfig config = gatewayConfig("reader@localhost");
        // The first run creates and configures the nodes.
        try (Gateway first = new Gateway(config, DRIVERS)) {
            first.start();
            assertThat(first.uplink().awaitReady(Await.GENEROUS)).as(first.uplink().lastFailure()).isNotNull();
        }

        List<Reading> received = new CopyOnWriteArrayList<>();
        XmppConfig readerAccount = GatewayConfigLoader.loadXmpp(prosody.writeConfig(dir, "reader", ""));
        try (ReadingWatcher subscriber = new ReadingWatcher(readerAccount, received::add)) {
            subscriber.start(List.of("it/greenhouse", "it/tank"));

            // The second run finds the nodes, and everything it reads must reach the subscriber.
            Gateway second = new Gateway(config, DRIVERS);
            List<Reading> published = new CopyOnWriteArrayList<>();
            second.bus().subscribe("test-recorder", 100_000, published::add);
            StringWriter watchOut = new StringWriter();
            StringWriter watchErr = new StringWriter();
            CompletableFuture<Integer> watch;
            try {
                second.start();
                Await.until("the first readings", () -> of(received, "greenhouse").size() >= 5);
                watch = CompletableFuture.supplyAsync(() -> Main.run(new String[] {"watch", "-c", dir.resolve("reader.yaml").toString(),
                        "--count", "12", "--timeout", "30", "it/greenhouse", "it/tank"},
                        new PrintWriter(watchOut, true), new PrintWriter(watchErr, true)));
                Await.until("20 readings of each thing", () -> of(received, "greenhouse").size() >= 20 && of(received, "tank").size() >= 20);
                assertThat(watch.get(40, TimeUnit.SECONDS)).as(watchErr.toString()).isZero();
            } finally {
                second.close();
            }
            Await.until("every published reading", () -> received.size() >= published.size());

            for (String thing : List.of("greenhouse", "tank")) {
                List<Reading> sent = of(published, thing);
                List<Reading> got = of(received, thing);
                assertThat(sent).hasSizeGreaterThanOrEqualTo(20);
                // Exactly what was read, in order, once each: values, units, decimals, timestamps, sequence.
                assertThat(got).containsExactlyElementsOf(sent);
            }
            assertThat(second.publisher().failed()).isZero();

            List<String> lines = watchOut.toString().lines().toList();
            assertThat(lines).hasSize(12);
            List<String> expected = new ArrayList<>();
            published.forEach(r -> expected.add(ReadingFormatter.format(r)));
            assertThat(expected).containsAll(lines);
            assertThat(lines).anyMatch(l -> l.matches("\\S+Z greenhouse temperature=\\d+\\.\\d\\d °C door=(true|false)"));
            assertThat(lines).anyMatch(l -> l.matches("\\S+Z tank level=\\d+\\.\\d cm"));
        }
    }

    @Test
    void readingsTakenWhileTheServerRestartsAreAllPublishedAfterwards() throws Exception {
        // 10 readings/s: well within what Prosody's default file storage takes on a node that keeps 1000 items.
        Path file = meterConfig("restart/", "", "100ms");
        List<Reading> taken = new CopyOnWriteArrayList<>();
        Gateway gateway = new Gateway(GatewayConfigLoader.load(file, DRIVERS), DRIVERS);
        try {
            gateway.bus().subscribe("test-recorder", 100_000, taken::add);
            gateway.start();
            assertThat(gateway.uplink().awaitReady(Await.GENEROUS)).isNotNull();
            Await.until("readings before the restart", () -> gateway.publisher().published() >= 20);
            prosody.server().restart();
            long beforeReconnect = gateway.publisher().published();
            Await.until("the gateway publishing on the restarted server", () -> gateway.uplink().isReady() && gateway.publisher().published() >= beforeReconnect + 10);
        } finally {
            // Stopping drains: what was taken and not yet confirmed is published before the connection closes.
            gateway.close();
        }
        assertThat(gateway.publisher().failed()).isZero();

        // Read the node back from the server: every reading taken must be there, once, with its values.
        List<Reading> stored = new ArrayList<>();
        itemsOn(file, "restart/meter").forEach(stored::addAll);
        assertThat(stored).containsExactlyInAnyOrderElementsOf(taken);
    }

    @Test
    void readingsFasterThanTheItemIntervalShareItemsInOrder() throws Exception {
        // 100 readings/s and an item at most every 200 ms: about 20 readings per item instead of one each.
        Path file = meterConfig("batched/", "item-interval: 200ms", "10ms");
        List<Reading> taken = new CopyOnWriteArrayList<>();
        try (Gateway gateway = new Gateway(GatewayConfigLoader.load(file, DRIVERS), DRIVERS)) {
            gateway.bus().subscribe("test-recorder", 100_000, taken::add);
            gateway.start();
            assertThat(gateway.uplink().awaitReady(Await.GENEROUS)).isNotNull();
            Await.until("300 readings published", () -> gateway.publisher().published() >= 300);
        }
        List<List<Reading>> items = itemsOn(file, "batched/meter");
        List<Reading> stored = new ArrayList<>();
        items.forEach(stored::addAll);
        assertThat(stored).as("every reading once").containsExactlyInAnyOrderElementsOf(taken);
        for (List<Reading> item : items) {
            int first = taken.indexOf(item.get(0));
            assertThat(item).as("an item's readings, in the order taken").containsExactlyElementsOf(taken.subList(first, first + item.size()));
        }
        // Items form as the readings come, so their sizes vary; far fewer items than readings is the point.
        assertThat(items.size()).as("items for %d readings", taken.size()).isLessThanOrEqualTo(taken.size() / 4);
    }

    @Test
    void aReaderWhoSubscribesWhileItsNodeIsMadeStaysSubscribed() throws Exception {
        // The reader asks from before the gateway's first start and again at once after every refusal, so it asks in
        // every moment of the node's making: the node must never be open to it first and closed after (the server then
        // ends the subscription without a word, and the reader waits for items forever).
        Path file = meterConfig("first/", "", "50ms");
        XMPPTCPConnection reader = XmppConnectionFactory.create(GatewayConfigLoader.loadXmpp(prosody.writeConfig(dir, "reader", "")));
        AtomicInteger told = new AtomicInteger();
        reader.addAsyncStanzaListener(s -> told.incrementAndGet(), s -> {
            EventElement event = s.getExtension(EventElement.ELEMENT, EventElement.NAMESPACE);
            return event != null && event.getEvent() instanceof ItemsExtension items && "first/meter".equals(items.getNode())
                    && items.getItemsElementType() == ItemsExtension.ItemsElementType.items;
        });
        try {
            reader.connect().login();
            Jid service = JidCreate.bareFrom("pubsub.localhost");
            long deadline = System.nanoTime() + Await.GENEROUS.toNanos();
            CompletableFuture<Integer> subscribed = CompletableFuture.supplyAsync(() -> {
                for (int asked = 1; System.nanoTime() < deadline; asked++) {
                    try {
                        reader.sendIqRequestAndWaitForResponse(PubSub.createPubsubPacket(service, IQ.Type.set,
                                new SubscribeExtension(reader.getUser().asBareJid(), "first/meter")));
                        return asked;
                    } catch (XMPPException.XMPPErrorException refused) {
                        // No such node yet, or not yet allowed: ask again.
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                }
                throw new AssertionError("not subscribed within " + Await.GENEROUS.toSeconds() + " s");
            });
            try (Gateway gateway = new Gateway(GatewayConfigLoader.load(file, DRIVERS), DRIVERS)) {
                gateway.start();
                assertThat(subscribed.get(60, TimeUnit.SECONDS)).as("asked before the node was there").isGreaterThan(1);
                Await.until("items on the reader's subscription", () -> told.get() >= 5);
                // Made with its settings: closed to those not on the list from the start.
                XmppConfig strangerAccount = GatewayConfigLoader.loadXmpp(prosody.writeConfig(dir, "stranger", ""));
                try (ReadingWatcher stranger = new ReadingWatcher(strangerAccount, r -> { })) {
                    assertThrows(Exception.class, () -> stranger.start(List.of("first/meter")));
                }
            }
        } finally {
            reader.disconnect();
        }
    }

    /**
     * A gateway with one simulated meter taking a reading every {@code interval}, on nodes that keep 1000 items, which
     * reader@localhost may read.
     */
    private Path meterConfig(String nodePrefix, String morePubSub, String interval) throws Exception {
        return prosody.writeConfig(dir, "gateway", """
                    node-prefix: %s
                    max-items: 1000
                    %s
                access:
                  readers: [ reader@localhost ]
                things:
                  - id: meter
                    driver: simulated
                    interval: %s
                    fields:
                      - { name: power, unit: W, waveform: random-walk, min: 0, max: 3000, step: 50, decimals: 0 }
                """.formatted(nodePrefix, morePubSub, interval));
    }

    /** The items the server holds on {@code node}, each as the readings it carries; checks each item's id. */
    private List<List<Reading>> itemsOn(Path gatewayConfig, String node) throws Exception {
        GatewayConfig owner = GatewayConfigLoader.load(gatewayConfig, DRIVERS);
        org.jivesoftware.smack.tcp.XMPPTCPConnection c = org.xmppiot.gateway.xmpp.XmppConnectionFactory.create(owner.xmpp().withResource("check"));
        try {
            c.connect().login();
            org.jivesoftware.smackx.pubsub.LeafNode leaf = org.jivesoftware.smackx.pubsub.PubSubManager
                    .getInstanceFor(c, org.jxmpp.jid.impl.JidCreate.bareFrom("pubsub.localhost")).getLeafNode(node);
            List<List<Reading>> items = new ArrayList<>();
            for (org.jivesoftware.smackx.pubsub.PayloadItem<org.xmppiot.gateway.iotdata.SensorDataFields> item : leaf.<org.jivesoftware.smackx.pubsub.PayloadItem<org.xmppiot.gateway.iotdata.SensorDataFields>>getItems()) {
                assertThat(item.getId()).isEqualTo(PubSubPublisher.itemId(item.getPayload().readings().get(0)));
                items.add(item.getPayload().itemReadings());
            }
            return items;
        } finally {
            c.disconnect();
        }
    }

    @Test
    void onlyConfiguredReadersMaySubscribe() throws Exception {
        GatewayConfig config = gatewayConfig("reader@localhost");
        try (Gateway gateway = new Gateway(config, DRIVERS)) {
            gateway.start();
            assertThat(gateway.uplink().awaitReady(Await.GENEROUS)).isNotNull();
            XmppConfig strangerAccount = GatewayConfigLoader.loadXmpp(prosody.writeConfig(dir, "stranger", ""));
            List<Reading> got = new CopyOnWriteArrayList<>();
            try (ReadingWatcher stranger = new ReadingWatcher(strangerAccount, got::add)) {
                Exception refused = assertThrows(Exception.class, () -> stranger.start(List.of("it/greenhouse")));
                assertThat(XmppFailures.describe(refused, strangerAccount)).containsAnyOf("forbidden", "not-authorized");
            }
            assertThat(got).isEmpty();
        }
        // Taking a reader off the list takes its access away at the next start.
        try (Gateway gateway = new Gateway(gatewayConfig(""), DRIVERS)) {
            gateway.start();
            assertThat(gateway.uplink().awaitReady(Await.GENEROUS)).isNotNull();
            XmppConfig readerAccount = GatewayConfigLoader.loadXmpp(prosody.writeConfig(dir, "reader", ""));
            try (ReadingWatcher former = new ReadingWatcher(readerAccount, r -> { })) {
                assertThrows(Exception.class, () -> former.start(List.of("it/tank")));
            }
        }
    }
}
