package org.xmppiot.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.gateway.config.StoreConfig;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.testing.StoreFile;

/**
 * Commits wait longer for readings the server confirmed, never for those it did not, and the history shows every
 * reading whether committed or not; commits that cannot keep up hold up the bus thread, telling it first. Commits are
 * seen as another process sees them, in the SQLite file.
 */
class ConfirmedCommitIntervalTest {

    private static final List<String> PUBSUB = List.of("pubsub");
    private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);
    /** Far beyond any wait below: a commit before it can only come from the commit interval. */
    private static final Duration LONG = Duration.ofMinutes(10);

    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("readings.db");
    }

    private ReadingStore open() throws StoreException {
        return ReadingStore.open(new StoreConfig(db(), StoreConfig.DEFAULT_MAX_BYTES, StoreConfig.DEFAULT_MAX_AGE, COMMIT_INTERVAL));
    }

    private static Reading reading(long seq) {
        return new Reading("meter", seq, Instant.now().truncatedTo(ChronoUnit.MILLIS),
                List.of(Field.readout("power", new FieldValue.NumericValue(BigDecimal.valueOf(seq), "W"))));
    }

    /** Sends each item at once, as the publisher does, and has the server confirm it when {@code confirming} says so. */
    private static Consumer<List<OutboxItem>> server(List<OutboxItem> items, boolean[] confirming) {
        return begun -> begun.forEach(item -> {
            items.add(item);
            item.takeForSending();
            if (confirming[0]) {
                item.confirm();
            }
        });
    }

    @Test
    void confirmedReadingsWaitForTheLongerIntervalAndAnUnconfirmedOneBringsTheCommitBackToTheShortOne() throws Exception {
        List<OutboxItem> items = new CopyOnWriteArrayList<>();
        boolean[] confirming = {true};
        try (ReadingStore store = open();
             StoreWriter writer = new StoreWriter(store, 50, PUBSUB, server(items, confirming), () -> { }, COMMIT_INTERVAL, LONG, 100)) {
            Reading first = reading(1);
            writer.accept(List.of(first));
            Reading second = reading(2);
            writer.accept(List.of(second));
            Thread.sleep(COMMIT_INTERVAL.multipliedBy(3).toMillis());
            assertThat(items).allSatisfy(i -> assertThat(i.isConfirmed()).isTrue());
            assertThat(StoreFile.rows(db())).as("confirmed readings, three commit intervals on").isZero();
            assertThat(store.history("meter", Instant.EPOCH, Instant.now(), 10)).as("the history, before their commit")
                    .containsExactly(first, second);

            confirming[0] = false; // The server is gone, say: this one is only here.
            Reading third = reading(3);
            writer.accept(List.of(third));
            Await.until("the unconfirmed reading committed, with those before it", () -> StoreFile.rows(db()) == 3);
            assertThat(store.history("meter", Instant.EPOCH, Instant.now(), 10)).as("the history after the commit, each once")
                    .containsExactly(first, second, third);
        }
    }

    @Test
    void anUnconfirmedReadingAmongSteadyConfirmedOnesIsCommittedByItsOwnDeadline() throws Exception {
        // Readings every 0.3 commit intervals, each confirmed at once: the commit thread then looks once per commit
        // interval instead of being woken by each batch. One the server never confirms comes between two looks, and
        // confirmed ones keep coming after it: it is still committed by its commit interval, not the confirmed one.
        List<OutboxItem> items = new CopyOnWriteArrayList<>();
        boolean[] confirming = {true};
        long step = COMMIT_INTERVAL.multipliedBy(3).dividedBy(10).toMillis();
        try (ReadingStore store = open();
             StoreWriter writer = new StoreWriter(store, 50, PUBSUB, server(items, confirming), () -> { }, COMMIT_INTERVAL, LONG, 10_000)) {
            int seq = 0;
            for (int i = 0; i < 10; i++) {
                writer.accept(List.of(reading(++seq)));
                Thread.sleep(step);
            }
            assertThat(StoreFile.rows(db())).as("confirmed readings, three commit intervals on").isZero();

            confirming[0] = false;
            writer.accept(List.of(reading(++seq)));
            confirming[0] = true;
            int unconfirmed = seq;
            long deadline = System.nanoTime() + Await.GENEROUS.toNanos();
            while (StoreFile.rows(db()) < unconfirmed && System.nanoTime() < deadline) {
                writer.accept(List.of(reading(++seq)));
                Thread.sleep(step);
            }
            assertThat(StoreFile.rows(db())).as("the unconfirmed reading committed, with those before it").isGreaterThanOrEqualTo(unconfirmed);
        }
    }

    @Test
    void readingsComingSteadilyAndConfirmedARoundTripLaterKeepWaiting() throws Exception {
        // A reading every 0.45 commit intervals, each confirmed 0.15 later, as a server does: when the commit interval of
        // one is up, a newer one came 0.1 before and is not confirmed yet, but it has its own interval to go.
        Duration commitInterval = Duration.ofSeconds(2);
        ScheduledExecutorService server = Executors.newSingleThreadScheduledExecutor();
        List<OutboxItem> items = new CopyOnWriteArrayList<>();
        Consumer<List<OutboxItem>> roundTrip = begun -> begun.forEach(item -> {
            items.add(item);
            item.takeForSending();
            server.schedule(item::confirm, commitInterval.multipliedBy(15).dividedBy(100).toMillis(), TimeUnit.MILLISECONDS);
        });
        try (ReadingStore store = open();
             StoreWriter writer = new StoreWriter(store, 50, PUBSUB, roundTrip, () -> { }, commitInterval, LONG, 100)) {
            for (int i = 1; i <= 10; i++) {
                writer.accept(List.of(reading(i)));
                Thread.sleep(commitInterval.multipliedBy(45).dividedBy(100).toMillis());
            }
            assertThat(StoreFile.rows(db())).as("readings confirmed within their commit interval, 4.5 intervals on").isZero();
        } finally {
            server.shutdownNow();
        }
        assertThat(items).hasSize(10).allSatisfy(i -> assertThat(i.isConfirmed()).isTrue());
    }

    @Test
    void confirmedReadingsAreCommittedOnceTheConfirmedIntervalIsUp() throws Exception {
        List<OutboxItem> items = new CopyOnWriteArrayList<>();
        try (ReadingStore store = open();
             StoreWriter writer = new StoreWriter(store, 50, PUBSUB, server(items, new boolean[] {true}), () -> { },
                     COMMIT_INTERVAL, COMMIT_INTERVAL.multipliedBy(3), 100)) {
            writer.accept(List.of(reading(1)));
            Await.until("the confirmed reading committed", () -> StoreFile.rows(db()) == 1);
            assertThat(items).singleElement().satisfies(i -> assertThat(i.isConfirmed()).isTrue());
        }
    }

    @Test
    void manyConfirmedReadingsAreCommittedWithinTheCommitInterval() throws Exception {
        List<OutboxItem> items = new CopyOnWriteArrayList<>();
        try (ReadingStore store = open();
             StoreWriter writer = new StoreWriter(store, 50, PUBSUB, server(items, new boolean[] {true}), () -> { },
                     COMMIT_INTERVAL, LONG, 5_000)) {
            List<Reading> many = new java.util.ArrayList<>();
            for (int i = 1; i <= StoreWriter.MOST_HELD_CONFIRMED; i++) {
                many.add(reading(i));
            }
            writer.accept(many);
            Await.until("all the confirmed readings committed", () -> StoreFile.rows(db()) == StoreWriter.MOST_HELD_CONFIRMED);
            assertThat(items).allSatisfy(i -> assertThat(i.isConfirmed()).isTrue());
        }
    }

    @Test
    void closingCommitsWhatWaitsAndTheChartSeesTheNewestReadingBeforeItsCommit() throws Exception {
        List<OutboxItem> items = new CopyOnWriteArrayList<>();
        try (ReadingStore store = open()) {
            try (StoreWriter writer = new StoreWriter(store, 1, PUBSUB, server(items, new boolean[] {true}), () -> { },
                    COMMIT_INTERVAL, LONG, 100)) {
                for (int i = 1; i <= 40; i++) {
                    writer.accept(List.of(reading(i)));
                }
                List<Reading> chart = store.sampledHistory("meter", Instant.EPOCH, Instant.now(), 10);
                assertThat(chart).as("about 10 points of 40 waiting readings").hasSizeBetween(8, 12);
                assertThat(chart.get(chart.size() - 1).sequence()).as("the newest among them").isEqualTo(40);
                assertThat(StoreFile.rows(db())).isZero();
            }
            assertThat(StoreFile.rows(db())).as("committed on close").isEqualTo(40);
            assertThat(store.history("meter", Instant.EPOCH, Instant.now(), 100)).hasSize(40);
        }
    }

    @Test
    void commitsThatCannotKeepUpSaySoBeforeTheyHoldUpTheBusThreadAndLoseNothing() throws Exception {
        java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
        try (ReadingStore store = open();
             StoreWriter writer = new StoreWriter(store, 50, PUBSUB, server(new CopyOnWriteArrayList<>(), new boolean[] {false}),
                     () -> { }, Duration.ofMillis(10), 10)) {
            writer.beforeHoldingUp(told::incrementAndGet); // The gateway hands the busy serial ports back here.
            Thread bus = new Thread(() -> {
                for (int i = 1; i <= 50; i++) {
                    writer.accept(List.of(reading(i)));
                }
            }, "bus-store");
            synchronized (store) { // Commits are made under the store's lock: none can be made meanwhile.
                bus.start();
                // At most 10 in the stuck commit and 20 waiting: the bus thread is held up before the 50th.
                Await.until("the bus thread held up, told first",
                        () -> told.get() > 0 && bus.getState() == Thread.State.TIMED_WAITING);
            }
            bus.join(Await.GENEROUS.toMillis());
            assertThat(bus.isAlive()).as("the bus thread goes on once commits do").isFalse();
            Await.until("all 50 readings committed", () -> StoreFile.rows(db()) == 50);
        }
    }
}
