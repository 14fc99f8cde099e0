package org.xmppiot.gateway.qos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.jivesoftware.smack.filter.StanzaExtensionFilter;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.observe.EventSubscribe;
import org.xmppiot.gateway.observe.ObserveRequest;
import org.xmppiot.gateway.iotdata.SensorDataFields;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.testing.ProsodyExtension;
import org.xmppiot.gateway.testing.TcpRelay;
import org.xmppiot.gateway.xmpp.XmppConnectionFactory;

/**
 * Each QoS level keeps its promise when the observer's connection breaks: the observer connects
 * through a relay that silently loses one direction's bytes and then cuts the connection, as a
 * failing network does; it then connects again with the same address.
 */
class QosDeliveryTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway").withAccount("reader");

    private static final DriverRegistry DRIVERS = DriverRegistry.fromClassPath();

    @TempDir
    Path dir;

    /** The observer: its connection through the relay (renewed after a cut), what it received. */
    private final class Observer implements AutoCloseable {
        final List<String> received = new CopyOnWriteArrayList<>();
        final QosReceiver qos = new QosReceiver((from, payload) -> take((SensorDataFields) payload));
        final Path config;
        XMPPTCPConnection connection;

        Observer(TcpRelay relay) throws Exception {
            Path file = prosody.writeConfig(dir, "reader", "");
            config = dir.resolve("reader-relayed.yaml");
            Files.writeString(config, Files.readString(file, StandardCharsets.UTF_8)
                    .replace("port: " + prosody.port(), "port: " + relay.port()), StandardCharsets.UTF_8);
            connect();
        }

        void connect() throws Exception {
            connection = XmppConnectionFactory.create(GatewayConfigLoader.loadXmpp(config));
            // Plain (unacknowledged) events come as messages; the others through the QoS IQs.
            connection.addSyncStanzaListener(s -> take((SensorDataFields) s.getExtension(SensorDataFields.ELEMENT, SensorDataFields.NAMESPACE)),
                    new StanzaExtensionFilter(SensorDataFields.ELEMENT, SensorDataFields.NAMESPACE));
            qos.register(connection);
            connection.connect().login();
        }

        private void take(SensorDataFields fields) {
            fields.readings().forEach(r -> received.add(r.field("count").value().toString()));
        }

        void subscribeToEveryReading() throws Exception {
            EventSubscribe request = new EventSubscribe(new ObserveRequest(1, List.of("door"), List.of(), Set.of(), null, null, false));
            request.setTo(JidCreate.from("gateway@localhost/gateway"));
            connection.sendIqRequestAndWaitForResponse(request);
        }

        @Override
        public void close() {
            connection.disconnect();
        }
    }

    private Gateway gateway(QosLevel level) throws Exception {
        Path file = prosody.writeConfig(dir, "gateway", """
                    node-prefix: qos-%s/
                access:
                  readers: [ reader@localhost ]
                observe:
                  qos: %s
                things:
                  - id: door
                    driver: simulated
                    interval: 1d
                    fields:
                      - { name: count, type: integer, waveform: constant, value: 0 }
                """.formatted(level.configName(), level.configName()));
        Gateway gateway = new Gateway(GatewayConfigLoader.load(file, DRIVERS), DRIVERS);
        gateway.start();
        assertThat(gateway.uplink().awaitReady(Await.GENEROUS)).isNotNull();
        return gateway;
    }

    private static void count(Gateway gateway, int n) {
        gateway.bus().publish(new Reading("door", n, Instant.now(), List.of(Field.readout("count", new FieldValue.IntegerValue(n)))));
    }

    private static String value(int n) {
        return new FieldValue.IntegerValue(n).toString();
    }

    @Test
    void unacknowledgedEventsAreSentAtMostOnceAndOneInABrokenConnectionIsLost() throws Exception {
        try (TcpRelay relay = new TcpRelay(prosody.port()); Gateway gateway = gateway(QosLevel.UNACKNOWLEDGED);
             Observer observer = new Observer(relay)) {
            observer.subscribeToEveryReading();
            count(gateway, 1);
            await("event 1", () -> observer.received.contains(value(1)));

            relay.dropToClient(true); // The server's bytes to the observer vanish; nobody notices.
            long before = gateway.observe().sent();
            count(gateway, 2);
            await("event 2 to be sent", () -> gateway.observe().sent() > before);
            await("event 2 to be lost on its way", () -> relay.droppedToClient() > 0);
            relay.cutAll();
            observer.connect();
            count(gateway, 3);
            count(gateway, 4);
            // Events go out in order: once 4 is there, 2 will not come after all.
            await("event 4", () -> observer.received.contains(value(4)));
            assertThat(observer.received).containsExactly(value(1), value(3), value(4));
        }
    }

    @Test
    void acknowledgedEventsAreSentAgainUntilConfirmedAndMayArriveTwice() throws Exception {
        try (TcpRelay relay = new TcpRelay(prosody.port()); Gateway gateway = gateway(QosLevel.ACKNOWLEDGED);
             Observer observer = new Observer(relay)) {
            observer.subscribeToEveryReading();
            count(gateway, 1);
            await("event 1", () -> observer.received.contains(value(1)));
            // Its confirmation must be through before the relay starts losing them, or event 1 comes twice too.
            await("event 1 confirmed", () -> gateway.qos().confirmed() == 1);

            relay.dropToServer(true); // The observer gets event 2, but its confirmation is lost.
            count(gateway, 2);
            await("event 2", () -> observer.received.contains(value(2)));
            relay.cutAll();
            observer.connect();
            // No confirmation came: the gateway sends it again to the observer's new connection.
            await("event 2 again", () -> observer.received.stream().filter(value(2)::equals).count() == 2);
            count(gateway, 3);
            await("event 3", () -> observer.received.contains(value(3)));
            await("every event confirmed", () -> gateway.qos().confirmed() == 3);
            assertThat(observer.received).containsExactlyInAnyOrder(value(1), value(2), value(2), value(3));
            assertThat(gateway.qos().repeated()).isPositive();
            assertThat(gateway.qos().givenUp()).isZero();
        }
    }

    @Test
    void assuredEventsArriveExactlyOnceEvenWhenAHandOverIsRepeated() throws Exception {
        try (TcpRelay relay = new TcpRelay(prosody.port()); Gateway gateway = gateway(QosLevel.ASSURED);
             Observer observer = new Observer(relay)) {
            observer.subscribeToEveryReading();
            count(gateway, 1);
            await("event 1", () -> observer.received.contains(value(1)));
            await("event 1 confirmed", () -> gateway.qos().confirmed() == 1); // Before the relay starts losing answers.

            relay.dropToServer(true); // The observer holds event 2, but its "received" is lost.
            count(gateway, 2);
            await("event 2 to be held", () -> observer.qos.held() == 1);
            assertThat(observer.received).doesNotContain(value(2));
            relay.cutAll();
            observer.connect();
            // The gateway hands event 2 over again (the observer knows it already), then says deliver.
            await("event 2", () -> observer.received.contains(value(2)));
            count(gateway, 3);
            await("event 3", () -> observer.received.contains(value(3)));
            count(gateway, 4);
            // Once 4 is delivered and all four are confirmed, nothing of the earlier ones is still under way.
            await("every event confirmed", () -> gateway.qos().confirmed() == 4 && observer.received.contains(value(4)));
            assertThat(observer.received).containsExactly(value(1), value(2), value(3), value(4));
            assertThat(observer.qos.repeatsIgnored()).isPositive();
            assertThat(observer.qos.held()).isZero();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, condition);
    }
}
