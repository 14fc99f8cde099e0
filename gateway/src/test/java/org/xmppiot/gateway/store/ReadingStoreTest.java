package org.xmppiot.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.gateway.config.StoreConfig;
import org.xmppiot.core.model.Category;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Quality;
import org.xmppiot.core.model.Reading;

/** The store on real SQLite files in a temp directory. */
class ReadingStoreTest {

    private static final List<String> PUBSUB = List.of("pubsub");
    private static final Instant T0 = Instant.parse("2026-11-20T10:15:30.123456789Z");

    @TempDir
    Path dir;

    private StoreConfig config(long maxBytes, Duration maxAge) {
        return new StoreConfig(dir.resolve("data/readings.db"), maxBytes, maxAge, Duration.ZERO);
    }

    private StoreConfig config() {
        return config(StoreConfig.DEFAULT_MAX_BYTES, StoreConfig.DEFAULT_MAX_AGE);
    }

    private static Reading reading(String thing, long seq, Instant at) {
        return new Reading(thing, seq, at, List.of(
                Field.readout("temperature", new FieldValue.NumericValue(new BigDecimal("21.50"), "°C")),
                new Field("door", new FieldValue.BooleanValue(seq % 2 == 0), Set.of(Quality.AUTOMATIC_READOUT, Quality.WARNING)),
                new Field("energy", new FieldValue.IntegerValue(5_000_000_000L + seq), Set.of(), Category.COMPUTED),
                new Field("serial", new FieldValue.StringValue("SN-ü-" + seq), Set.of(Quality.MANUAL_READOUT), Category.IDENTITY),
                Field.status("serial-port", "connected").withQuality(Set.of(Quality.MISSING))));
    }

    private static List<Reading> readings(String thing, int count, Instant from, Duration step) {
        List<Reading> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(reading(thing, i + 1, from.plus(step.multipliedBy(i))));
        }
        return out;
    }

    @Test
    void readingsComeBackExactlyGroupedIntoItemsPerThingInOrder() throws Exception {
        try (ReadingStore store = ReadingStore.open(config())) {
            List<Reading> batch = new ArrayList<>();
            List<Reading> a = readings("a", 7, T0, Duration.ofMillis(10));
            List<Reading> b = readings("b", 2, T0, Duration.ofMillis(10));
            for (int i = 0; i < 7; i++) {
                batch.add(a.get(i));
                if (i < 2) {
                    batch.add(b.get(i));
                }
            }
            List<StoredItem> written = store.append(batch, 3, PUBSUB);
            // Items never mix things, keep each thing's order and hold at most three readings.
            assertThat(written).extracting(StoredItem::readings)
                    .containsExactly(a.subList(0, 3), a.subList(3, 6), a.subList(6, 7), b);
            assertThat(store.unsent("pubsub")).isEqualTo(9);

            List<StoredItem> pending = store.pending("pubsub", 0, 100);
            assertThat(pending).isEqualTo(written);
            // Every field type, category, flag, unit, decimal and the nanosecond time survive.
            assertThat(pending.get(0).first()).isEqualTo(a.get(0));
            assertThat(store.pending("pubsub", written.get(1).firstId(), 100)).containsExactlyElementsOf(written.subList(2, 4));
            assertThat(store.pending("pubsub", 0, 2)).containsExactlyElementsOf(written.subList(0, 2));

            store.remove("pubsub", List.of(written.get(0).firstId(), written.get(3).firstId()));
            assertThat(store.pending("pubsub", 0, 100)).containsExactly(written.get(1), written.get(2));
            assertThat(store.unsent("pubsub")).isEqualTo(4);
            assertThat(store.unsent("elsewhere")).isZero();
        }
    }

    @Test
    void aStatusReadingTravelsInAnItemOfItsOwnSoEveryItemsSeqnrsFollowOnFromItsFirst() throws Exception {
        List<Reading> measured = readings("a", 4, T0, Duration.ofMillis(10));
        Reading offline = new Reading("a", -1, T0.plusMillis(15), List.of(Field.status("status", "offline")));
        List<Reading> arriving = List.of(measured.get(0), measured.get(1), offline, measured.get(2), measured.get(3));
        try (ReadingStore store = ReadingStore.open(config())) {
            List<List<Reading>> begun = new ArrayList<>();
            List<OutboxItem> items = new ArrayList<>();
            try (StoreWriter writer = new StoreWriter(store, 50, PUBSUB, items::addAll, () -> { }, Duration.ZERO, 100)) {
                writer.accept(arriving);
            }
            items.forEach(item -> begun.add(item.readings()));
            List<List<Reading>> expected = List.of(measured.subList(0, 2), List.of(offline), measured.subList(2, 4));
            assertThat(begun).isEqualTo(expected);
            assertThat(store.pending("pubsub", 0, 100)).extracting(StoredItem::readings).isEqualTo(expected);
            // The same when a batch is written as a whole.
            assertThat(store.append(arriving, 50, PUBSUB)).extracting(StoredItem::readings).isEqualTo(expected);
        }
    }

    @Test
    void whatWasCommittedIsThereAfterReopeningAndIdsAreNeverReused() throws Exception {
        List<StoredItem> first;
        try (ReadingStore store = ReadingStore.open(config())) {
            first = store.append(readings("a", 4, T0, Duration.ofSeconds(1)), 1, PUBSUB);
            store.remove("pubsub", List.of(first.get(0).firstId()));
        }
        try (ReadingStore store = ReadingStore.open(config())) {
            assertThat(store.pending("pubsub", 0, 100)).containsExactlyElementsOf(first.subList(1, 4));
            store.enforceRetention(T0.plus(Duration.ofDays(365))); // Everything is old now: all deleted.
            assertThat(store.pending("pubsub", 0, 100)).isEmpty();
            assertThat(store.droppedUnsent()).isEqualTo(3);
            List<StoredItem> next = store.append(readings("a", 1, T0, Duration.ZERO), 1, PUBSUB);
            assertThat(next.get(0).firstId()).isGreaterThan(first.get(3).lastId());
        }
    }

    @Test
    void oldReadingsGoByAgeAndUnsentOnesAreCounted() throws Exception {
        Instant now = T0.plus(Duration.ofDays(10));
        try (ReadingStore store = ReadingStore.open(config(StoreConfig.DEFAULT_MAX_BYTES, Duration.ofDays(7)))) {
            List<StoredItem> old = store.append(readings("a", 5, T0, Duration.ofHours(1)), 1, PUBSUB);
            List<StoredItem> recent = store.append(readings("a", 5, now.minus(Duration.ofHours(5)), Duration.ofHours(1)), 1, PUBSUB);
            store.remove("pubsub", List.of(old.get(0).firstId(), old.get(1).firstId(), recent.get(0).firstId()));

            store.enforceRetention(now);

            assertThat(store.pending("pubsub", 0, 100)).containsExactlyElementsOf(recent.subList(1, 5));
            assertThat(store.history("a", T0.minus(Duration.ofDays(1)), now, 100)).hasSize(5);
            assertThat(store.droppedUnsent()).isEqualTo(3);
            assertThat(store.droppedHistory()).isEqualTo(5);
        }
    }

    @Test
    void aFullStoreDropsTheOldestFirstAndStaysWithinItsSize() throws Exception {
        try (ReadingStore store = ReadingStore.open(config(2_000_000, StoreConfig.DEFAULT_MAX_AGE))) {
            int total = 0;
            for (int batch = 0; batch < 150; batch++) {
                List<Reading> rs = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    total++;
                    rs.add(reading("meter", total, T0.plusMillis(total)));
                }
                store.append(rs, 10, PUBSUB);
                store.enforceRetention(T0);
            }
            assertThat(store.usedBytes()).isLessThanOrEqualTo(2_000_000);
            long kept = store.unsent("pubsub");
            assertThat(kept).isGreaterThan(1_000).isLessThan(total);
            // Nothing vanished unaccounted: what is kept plus what was dropped is everything written.
            assertThat(kept + store.droppedUnsent()).isEqualTo(total);
            List<Reading> newest = store.history("meter", T0, T0.plusMillis(total), total);
            assertThat(newest.get(newest.size() - 1).sequence()).isEqualTo(total);
            assertThat(newest.get(0).sequence()).isEqualTo(total - newest.size() + 1);
        }
    }

    @Test
    void historyFindsEveryReadingOfItsTimeEvenWhenTheClockSteppedBackAcrossCommits() throws Exception {
        try (ReadingStore store = ReadingStore.open(config())) {
            // The gateway's clock ran an hour ahead, then was set right (a Pi without a clock, before and after NTP).
            store.append(readings("a", 5, T0.plus(Duration.ofHours(1)), Duration.ofMinutes(1)), 4, PUBSUB);
            store.append(readings("b", 3, T0, Duration.ofMinutes(1)), 4, PUBSUB);
            List<Reading> later = readings("a", 5, T0, Duration.ofMinutes(1));
            store.append(later, 4, PUBSUB);
            store.append(readings("a", 2, T0.plus(Duration.ofMinutes(30)), Duration.ofMinutes(1)), 4, PUBSUB);

            assertThat(store.history("a", T0, T0.plus(Duration.ofMinutes(10)), 100)).isEqualTo(later);
            assertThat(store.history("a", T0.plus(Duration.ofMinutes(3)), T0.plus(Duration.ofMinutes(62)), 100))
                    .extracting(Reading::timestamp).containsExactly(T0.plus(Duration.ofMinutes(3)), T0.plus(Duration.ofMinutes(4)),
                            T0.plus(Duration.ofMinutes(30)), T0.plus(Duration.ofMinutes(31)), T0.plus(Duration.ofMinutes(60)),
                            T0.plus(Duration.ofMinutes(61)), T0.plus(Duration.ofMinutes(62)));
            assertThat(store.history("a", T0, T0.plus(Duration.ofDays(1)), 100)).hasSize(12);
            // The earliest by time, wherever the commits put them.
            assertThat(store.history("a", T0, T0.plus(Duration.ofDays(1)), 3)).isEqualTo(later.subList(0, 3));
            assertThat(store.history("a", T0.plus(Duration.ofMinutes(4)), T0.plus(Duration.ofDays(1)), 4))
                    .extracting(Reading::timestamp).containsExactly(T0.plus(Duration.ofMinutes(4)), T0.plus(Duration.ofMinutes(30)),
                            T0.plus(Duration.ofMinutes(31)), T0.plus(Duration.ofMinutes(60)));
            assertThat(store.sampledHistory("a", T0, T0.plus(Duration.ofDays(1)), 100)).hasSize(12);
            assertThat(store.history("b", T0, T0.plus(Duration.ofDays(1)), 100)).hasSize(3).allMatch(r -> r.thingId().equals("b"));
        }
    }

    @Test
    void historyAnswersFromToPerThingOldestFirst() throws Exception {
        try (ReadingStore store = ReadingStore.open(config())) {
            store.append(readings("a", 10, T0, Duration.ofMinutes(1)), 4, PUBSUB);
            store.append(readings("b", 10, T0, Duration.ofMinutes(1)), 4, PUBSUB);
            List<Reading> h = store.history("a", T0.plus(Duration.ofMinutes(2)), T0.plus(Duration.ofMinutes(5)), 100);
            assertThat(h).extracting(Reading::sequence).containsExactly(3L, 4L, 5L, 6L);
            assertThat(h).allMatch(r -> r.thingId().equals("a"));
            assertThat(store.history("a", T0, T0.plus(Duration.ofHours(1)), 3)).extracting(Reading::sequence).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void aDamagedFileIsMovedAsideAndANewStoreStarts() throws Exception {
        Path file = dir.resolve("data/readings.db");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "this is not a database, it was half written when the power went".repeat(100), StandardCharsets.UTF_8);
        try (ReadingStore store = ReadingStore.open(config())) {
            store.append(readings("a", 2, T0, Duration.ofSeconds(1)), 1, PUBSUB);
            assertThat(store.unsent("pubsub")).isEqualTo(2);
        }
        try (var files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("readings.db.damaged-"));
        }
    }

    @Test
    void aStoreThatCannotBeCreatedSaysWhereAndWhy() throws Exception {
        Path notADirectory = dir.resolve("plain-file");
        Files.writeString(notADirectory, "x");
        StoreException e = assertThrows(StoreException.class, () -> ReadingStore.open(
                new StoreConfig(notADirectory.resolve("readings.db"), StoreConfig.DEFAULT_MAX_BYTES, StoreConfig.DEFAULT_MAX_AGE, Duration.ZERO)));
        assertThat(e.getMessage()).contains("cannot create the store's directory " + notADirectory);
    }
}
