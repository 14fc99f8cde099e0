package org.xmppiot.core.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.testing.Await;

class ReadingBusTest {

    private static Reading reading(String thing, long seq) {
        return new Reading(thing, seq, Instant.ofEpochSecond(1_700_000_000L + seq),
                List.of(Field.readout("t", FieldValue.NumericValue.of(seq, 1, "°C"))));
    }

    /** Hands each batch to {@code then}, and holds the subscription's thread in the first until {@link #release}. */
    private static final class Held implements Consumer<List<Reading>> {
        private final Consumer<List<Reading>> then;
        private final CountDownLatch holding = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        Held(Consumer<List<Reading>> then) {
            this.then = then;
        }

        @Override
        public void accept(List<Reading> batch) {
            then.accept(batch);
            holding.countDown();
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Waits until the thread holds in its first batch. */
        void awaitHolding() throws InterruptedException {
            assertThat(holding.await(10, TimeUnit.SECONDS)).as("the consumer got its first batch").isTrue();
        }

        void release() {
            released.countDown();
        }
    }

    @Test
    void everySubscriberGetsEveryReadingInOrder() throws Exception {
        try (ReadingBus bus = new ReadingBus()) {
            List<Long> a = new CopyOnWriteArrayList<>();
            List<Long> b = new CopyOnWriteArrayList<>();
            BusSubscription sa = bus.subscribe("a", 1000, r -> a.add(r.sequence()));
            BusSubscription sb = bus.subscribe("b", 1000, r -> b.add(r.sequence()));
            for (long i = 1; i <= 500; i++) {
                bus.publish(reading("x", i));
            }
            assertThat(sa.drain(Duration.ofSeconds(10))).isTrue();
            assertThat(sb.drain(Duration.ofSeconds(10))).isTrue();
            List<Long> expected = java.util.stream.LongStream.rangeClosed(1, 500).boxed().toList();
            assertThat(a).isEqualTo(expected);
            assertThat(b).isEqualTo(expected);
            assertThat(bus.stats()).allSatisfy(s -> {
                assertThat(s.delivered()).isEqualTo(500);
                assertThat(s.dropped()).isZero();
            });
        }
    }

    @Test
    void aStuckSubscriberNeverBlocksTheProducerAndItsDropsAreCounted() throws Exception {
        try (ReadingBus bus = new ReadingBus()) {
            List<Long> got = new CopyOnWriteArrayList<>();
            List<Long> fast = new CopyOnWriteArrayList<>();
            Held held = new Held(batch -> got.add(batch.get(0).sequence()));
            BusSubscription slow = bus.subscribeInBatches("slow", 10, 1, held);
            BusSubscription quick = bus.subscribe("quick", 2000, r -> fast.add(r.sequence()));
            bus.publish(reading("x", 1));
            held.awaitHolding();
            // The slow consumer holds reading 1; 999 more must go through without waiting for it.
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                for (long i = 2; i <= 1000; i++) {
                    bus.publish(reading("x", i));
                }
            });
            SubscriberStats stuck = slow.stats();
            assertThat(stuck.queued()).isEqualTo(10);
            assertThat(stuck.dropped()).isEqualTo(989);
            held.release();
            assertThat(slow.drain(Duration.ofSeconds(10))).isTrue();
            assertThat(quick.drain(Duration.ofSeconds(10))).isTrue();
            // Oldest readings go first: the slow one keeps the newest ten.
            assertThat(got).containsExactly(1L, 991L, 992L, 993L, 994L, 995L, 996L, 997L, 998L, 999L, 1000L);
            assertThat(fast).hasSize(1000);
            assertThat(quick.stats().dropped()).isZero();
        }
    }

    @Test
    void aConsumerThatThrowsIsCountedAndKeepsReceiving() throws Exception {
        try (ReadingBus bus = new ReadingBus()) {
            List<Long> got = new CopyOnWriteArrayList<>();
            BusSubscription s = bus.subscribe("flaky", 100, r -> {
                if (r.sequence() % 2 == 0) {
                    throw new IllegalStateException("boom " + r.sequence());
                }
                got.add(r.sequence());
            });
            for (long i = 1; i <= 10; i++) {
                bus.publish(reading("x", i));
            }
            assertThat(s.drain(Duration.ofSeconds(10))).isTrue();
            assertThat(got).containsExactly(1L, 3L, 5L, 7L, 9L);
            assertThat(s.stats().failed()).isEqualTo(5);
            assertThat(s.stats().delivered()).isEqualTo(5);
        }
    }

    @Test
    void withAGatherTimeReadingsArrivingWhileABatchWaitsJoinItAndNoneWaitsLonger() throws Exception {
        Duration gather = Duration.ofSeconds(3);
        try (ReadingBus bus = new ReadingBus()) {
            List<List<Long>> batches = new CopyOnWriteArrayList<>();
            List<Long> handedAt = new CopyOnWriteArrayList<>();
            BusSubscription s = bus.subscribeInBatches("store", 1000, 100, gather, batch -> {
                handedAt.add(System.nanoTime());
                batches.add(batch.stream().map(Reading::sequence).toList());
            });
            long start = System.nanoTime();
            bus.publish(reading("x", 1)); // The first batch goes at once, without waiting for the gather time ...
            Await.until("the first batch", () -> batches.size() == 1);
            bus.publish(reading("x", 2)); // ... the next waits for the gather time since the first ...
            bus.publish(reading("x", 3)); // ... and this one, arriving meanwhile, goes with it.
            assertThat(s.drain(Duration.ofSeconds(30))).isTrue();
            assertThat(batches).containsExactly(List.of(1L), List.of(2L, 3L));
            assertThat(Duration.ofNanos(handedAt.get(0) - start)).isLessThan(gather);
            // Never sooner than the gather time since the first batch began (which was after start: the first batch's
            // hand-over itself comes a moment after it began); later only by what a busy machine adds.
            assertThat(Duration.ofNanos(handedAt.get(1) - start)).isGreaterThanOrEqualTo(gather);
            assertThat(Duration.ofNanos(handedAt.get(1) - handedAt.get(0))).isLessThan(gather.plus(Await.GENEROUS));
        }
    }

    @Test
    void aBatchConsumerGetsWhatQueuedWhileItWasBusyInOrderAndBounded() throws Exception {
        try (ReadingBus bus = new ReadingBus()) {
            List<List<Long>> batches = new CopyOnWriteArrayList<>();
            Held held = new Held(batch -> batches.add(batch.stream().map(Reading::sequence).toList()));
            BusSubscription s = bus.subscribeInBatches("store", 1000, 100, held);
            bus.publish(reading("x", 1));
            held.awaitHolding();
            for (long i = 2; i <= 251; i++) {
                bus.publish(reading("x", i));
            }
            held.release();
            assertThat(s.drain(Duration.ofSeconds(10))).isTrue();
            // 250 readings queued behind the first batch arrive as 100 + 100 + 50.
            assertThat(batches).extracting(List::size).containsExactly(1, 100, 100, 50);
            assertThat(batches.stream().flatMap(List::stream).toList())
                    .isEqualTo(java.util.stream.LongStream.rangeClosed(1, 251).boxed().toList());
            assertThat(s.stats().delivered()).isEqualTo(251);
        }
    }

    @Test
    void aMarkRunsAfterTheReadingsPublishedBeforeItAndBeforeThoseAfterEvenInsideOneBatch() throws Exception {
        try (ReadingBus bus = new ReadingBus()) {
            List<String> seen = new CopyOnWriteArrayList<>();
            Held held = new Held(batch -> batch.forEach(r -> seen.add("r" + r.sequence())));
            BusSubscription s = bus.subscribeInBatches("observe", 1000, 100, held);
            bus.afterPublished(s, () -> seen.add("mark at once")); // Nothing queued: run as soon as the thread sees it.
            Await.until("the first mark", () -> seen.contains("mark at once"));
            bus.publish(reading("x", 1));
            held.awaitHolding();
            // While the consumer is busy, readings and marks queue up and would come as one batch.
            bus.publish(reading("x", 2));
            bus.publish(reading("x", 3));
            bus.afterPublished(s, () -> seen.add("mark A"));
            bus.publish(reading("x", 4));
            bus.afterPublished(s, () -> seen.add("mark B"));
            bus.afterPublished(s, () -> seen.add("mark C"));
            bus.publish(reading("x", 5));
            held.release();
            assertThat(s.drain(Duration.ofSeconds(10))).isTrue();
            assertThat(seen).containsExactly("mark at once", "r1", "r2", "r3", "mark A", "r4", "mark B", "mark C", "r5");
            assertThat(s.stats().delivered()).as("marks are not readings").isEqualTo(5);
        }
    }

    @Test
    void aSubscriptionOfferedOnlyWhileWantedGetsNoneOfTheReadingsPublishedMeanwhileButStillRunsItsMarks() throws Exception {
        try (ReadingBus bus = new ReadingBus()) {
            List<String> seen = new CopyOnWriteArrayList<>();
            AtomicBoolean wanted = new AtomicBoolean();
            BusSubscription s = bus.subscribeInBatches("observe", 1000, 100, batch -> batch.forEach(r -> seen.add("r" + r.sequence())));
            List<Reading> everyOne = new CopyOnWriteArrayList<>();
            BusSubscription other = bus.subscribeInBatches("store", 1000, 100, everyOne::addAll);
            s.offerOnlyWhile(wanted::get);
            bus.publish(reading("x", 1));
            bus.afterPublished(s, () -> seen.add("mark"));
            bus.publish(reading("x", 2));
            wanted.set(true);
            bus.publish(reading("x", 3));
            wanted.set(false);
            bus.publish(reading("x", 4));
            assertThat(s.drain(Duration.ofSeconds(10))).isTrue();
            assertThat(other.drain(Duration.ofSeconds(10))).isTrue();
            assertThat(seen).containsExactly("mark", "r3");
            assertThat(s.stats().delivered()).isEqualTo(1);
            assertThat(s.stats().dropped()).as("not wanted is not dropped").isZero();
            assertThat(everyOne).as("other subscribers get every reading").hasSize(4);
        }
    }

    @Test
    void aMarkWhosePlaceAFullQueueDropsRunsThenAndIsNotCountedAsADroppedReading() throws Exception {
        try (ReadingBus bus = new ReadingBus()) {
            List<String> seen = new CopyOnWriteArrayList<>();
            Held held = new Held(batch -> batch.forEach(r -> seen.add("r" + r.sequence())));
            BusSubscription s = bus.subscribeInBatches("observe", 2, 100, held);
            bus.publish(reading("x", 1));
            held.awaitHolding();
            bus.afterPublished(s, () -> seen.add("mark"));
            bus.publish(reading("x", 2));
            bus.publish(reading("x", 3)); // The queue holds two: the mark's place goes, and the mark runs now.
            assertThat(seen).containsExactly("r1", "mark");
            held.release();
            assertThat(s.drain(Duration.ofSeconds(10))).isTrue();
            assertThat(seen).containsExactly("r1", "mark", "r2", "r3");
            assertThat(s.stats().dropped()).isZero();
        }
    }

    @Test
    void closingASubscriptionHandsOverWhatIsQueuedAndThenStops() throws Exception {
        try (ReadingBus bus = new ReadingBus()) {
            List<Long> got = new CopyOnWriteArrayList<>();
            BusSubscription s = bus.subscribe("s", 100, r -> got.add(r.sequence()));
            for (long i = 1; i <= 50; i++) {
                bus.publish(reading("x", i));
            }
            s.close();
            bus.publish(reading("x", 51));
            assertThat(got).hasSize(50);
            assertThat(bus.stats()).isEmpty();
        }
    }

    @Test
    void latestValueCacheKeepsTheNewestValueOfEachField() {
        try (ReadingBus bus = new ReadingBus()) {
            Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
            bus.publish(new Reading("tank", 1, t0, List.of(
                    Field.readout("level", FieldValue.NumericValue.of(10, 1, "cm")),
                    Field.readout("pump", new FieldValue.BooleanValue(false)))));
            // A later reading with only one field must not erase the other.
            bus.publish(new Reading("tank", 2, t0.plusSeconds(5), List.of(
                    Field.readout("level", FieldValue.NumericValue.of(12.5, 1, "cm")))));
            // A late, older reading must not win over the newer value.
            bus.publish(new Reading("tank", 0, t0.minusSeconds(5), List.of(
                    Field.readout("level", FieldValue.NumericValue.of(1, 1, "cm")))));

            LatestValueCache cache = bus.latest();
            assertThat(cache.fields("tank")).extracting(f -> f.field().name()).containsExactly("level", "pump");
            assertThat(cache.field("tank", "level")).get().satisfies(f -> {
                assertThat(f.timestamp()).isEqualTo(t0.plusSeconds(5));
                assertThat(((FieldValue.NumericValue) f.field().value()).value()).isEqualByComparingTo("12.5");
            });
            assertThat(cache.field("tank", "pump")).get().extracting(f -> f.timestamp()).isEqualTo(t0);
            assertThat(cache.fields("nothing")).isEmpty();
        }
    }
}
