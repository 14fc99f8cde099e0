package org.xmppiot.gateway.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.config.StoreConfig;
import org.xmppiot.gateway.config.XmppConfig;
import org.xmppiot.gateway.store.ReadingStore;
import org.xmppiot.gateway.store.StoreWriter;
import org.xmppiot.gateway.xmpp.XmppUplink;

/**
 * A gateway without a session (the server down, the network gone) goes on taking readings: they wait in the store, and
 * the publisher keeps no more of them in memory than while connected and behind, however long the outage lasts.
 */
class PublisherMemoryWhileOfflineTest {

    private static final int READINGS = 60_000;
    private static final int PER_ITEM = 50;
    /** The publisher's memory bound (20,000 readings) in items of 50, and the two items still open. */
    private static final int MOST_ITEMS_HELD = 20_000 / PER_ITEM + 2;

    @TempDir
    Path dir;

    @Test
    void readingsTakenWithoutASessionWaitInTheStoreNotInMemory() throws Exception {
        Files.writeString(dir.resolve("pw"), "secret\n");
        Path yaml = Files.writeString(dir.resolve("gateway.yaml"), """
                xmpp:
                  jid: gw@localhost
                  password-file: pw
                """);
        XmppConfig xmpp = GatewayConfigLoader.loadXmpp(yaml);
        assertThat(xmpp.pubsub().readingsPerItem()).isEqualTo(PER_ITEM);
        XmppUplink neverConnected = new XmppUplink(xmpp, List.of());
        StoreConfig storeConfig = new StoreConfig(dir.resolve("readings.db"), StoreConfig.DEFAULT_MAX_BYTES,
                StoreConfig.DEFAULT_MAX_AGE, Duration.ZERO);
        try (ReadingStore store = ReadingStore.open(storeConfig);
             PubSubPublisher publisher = new PubSubPublisher(neverConnected, xmpp.pubsub(), store, 64, thing -> { },
                     () -> JidCreate.bareFromOrThrowUnchecked("pubsub.localhost"));
             StoreWriter writer = new StoreWriter(store, PER_ITEM, List.of(PubSubPublisher.DESTINATION), publisher::offer,
                     publisher::wake, Duration.ZERO, 5_000)) {
            publisher.start();
            Instant t0 = Instant.parse("2026-12-04T08:00:00Z");
            for (int batch = 0; batch < READINGS / 100; batch++) {
                List<Reading> readings = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    int n = batch * 100 + i;
                    readings.add(new Reading(n % 2 == 0 ? "boiler" : "tank", n / 2 + 1, t0.plusMillis(n),
                            List.of(Field.readout("level", new FieldValue.NumericValue(java.math.BigDecimal.valueOf(n), "cm")))));
                }
                writer.accept(readings);
            }
            Await.until("every reading committed", () -> writer.stored() == READINGS);
            // What memory gave up is in the store, nothing is lost; memory holds no more than its bound.
            Await.until("the publisher's memory within its bound", () -> publisher.heldItems() <= MOST_ITEMS_HELD);
            assertThat(store.unsent(PubSubPublisher.DESTINATION)).isEqualTo(READINGS);
            assertThat(publisher.published()).isZero();
        }
    }
}
