package org.xmppiot.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.config.StoreConfig;

/**
 * What a power cut or a full card can leave, on real SQLite files: a truncated store, garbage, a WAL that belongs to
 * another database, a disk without room. The gateway never fails to start over them: a damaged file is moved aside
 * (kept, named with the time, its WAL with it), a new store starts and one sentence says so; a full disk loses the
 * readings it cannot hold, counted by that cause, and storing resumes when there is room.
 */
class DamagedStoreTest {

    private static final List<String> PUBSUB = List.of("pubsub");
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("readings.db");
    }

    private StoreConfig config() {
        return new StoreConfig(file(), StoreConfig.DEFAULT_MAX_BYTES, StoreConfig.DEFAULT_MAX_AGE, Duration.ZERO);
    }

    private static List<Reading> readings(String thing, int count) {
        List<Reading> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new Reading(thing, i + 1, T0.plusSeconds(i),
                    List.of(Field.readout("temperature", new FieldValue.NumericValue(new BigDecimal("21.5"), "°C")))));
        }
        return out;
    }

    /** A store of {@code count} readings, closed cleanly. */
    private void storeWith(int count) throws Exception {
        try (ReadingStore store = ReadingStore.open(config())) {
            store.append(readings("tank", count), 1, PUBSUB);
        }
    }

    private List<Path> aside() throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("readings.db.damaged-")).sorted().toList();
        }
    }

    /** Opens the store as a start does, checks it takes readings, and returns what it tells the user. */
    private String startAndUse() throws Exception {
        try (ReadingStore store = ReadingStore.open(config())) {
            long before = store.unsent("pubsub");
            store.append(readings("tank", 3), 1, PUBSUB);
            assertThat(store.unsent("pubsub")).isEqualTo(before + 3);
            return store.damage();
        }
    }

    @Test
    void aTruncatedStoreIsMovedAsideKeptAndNamedAndTheNextStartStillSaysWhereItIs() throws Exception {
        storeWith(5_000);
        long size = Files.size(file());
        byte[] bytes = Files.readAllBytes(file());
        Files.write(file(), java.util.Arrays.copyOf(bytes, (int) (size / 3)));

        String told = startAndUse();
        assertThat(aside()).singleElement().satisfies(p -> {
            assertThat(p.getFileName().toString()).matches("readings\\.db\\.damaged-\\d{8}T\\d{6}Z");
            assertThat(Files.size(p)).isEqualTo(size / 3);
        });
        assertThat(told).startsWith("The store was damaged (").contains("it was moved to " + aside().get(0) + " and a new one started");

        assertThat(startAndUse()).isEqualTo("An earlier store was damaged and is kept as " + aside().get(0)
                + "; remove it when its readings are no longer needed.");
        Files.delete(aside().get(0));
        assertThat(startAndUse()).isNull();
    }

    @Test
    void garbageIsMovedAsideTheSame() throws Exception {
        Files.writeString(file(), "not a database: the card returned other blocks after the cut ".repeat(200), StandardCharsets.UTF_8);
        assertThat(startAndUse()).startsWith("The store was damaged (").contains("not a database");
        assertThat(aside()).hasSize(1);
    }

    @Test
    void aWalOfAnotherDatabaseTurnsTheFileIntoThatDatabaseWhichIsMovedAsideLikeDamage() throws Exception {
        storeWith(10);
        // Another database with a WAL still full of frames: copied while its writer is open, as a cut would leave it.
        Path other = dir.resolve("other/readings.db");
        Files.createDirectories(other.getParent());
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + other); Statement s = db.createStatement()) {
            s.execute("PRAGMA page_size = " + ReadingStore.PAGE_SIZE); // As the store's: its frames fit it.
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA wal_autocheckpoint = 0");
            s.execute("CREATE TABLE reading (id INTEGER PRIMARY KEY, junk BLOB)");
            for (int i = 0; i < 200; i++) {
                s.execute("INSERT INTO reading (junk) VALUES (randomblob(500))");
            }
            Files.copy(other.resolveSibling("readings.db-wal"), dir.resolve("readings.db-wal"), StandardCopyOption.REPLACE_EXISTING);
        }

        // SQLite cannot tell: a WAL with this file's page size is applied, and the file holds the other database after.
        String told = startAndUse();
        assertThat(told).startsWith("The store was damaged (its table reading is not the gateway's: no column thing, seq");
        assertThat(aside()).hasSize(1);
        assertThat(integrity()).isEqualTo("ok");
    }

    private String integrity() throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file()); Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void aFullDiskLosesWhatItCannotHoldCountedByThatCauseAndStoringResumesWhenThereIsRoom() throws Exception {
        Path disk = dir.resolve("small-disk");
        Files.createDirectories(disk);
        run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", disk.toString());
        try {
            StoreConfig small = new StoreConfig(disk.resolve("readings.db"), StoreConfig.DEFAULT_MAX_BYTES, StoreConfig.DEFAULT_MAX_AGE,
                    Duration.ofMillis(50));
            try (ReadingStore store = ReadingStore.open(small);
                 StoreWriter writer = new StoreWriter(store, 1, PUBSUB, items -> { }, () -> { }, Duration.ofMillis(50), 500)) {
                writer.accept(readings("tank", 10));
                Await.until("the first readings stored", () -> writer.stored() == 10);
                Path filler = disk.resolve("filler");
                run("/bin/sh", "-c", "dd if=/dev/zero of=" + filler + " bs=64k 2>/dev/null; true");

                for (int i = 0; i < 20 && writer.lostDiskFull() == 0; i++) {
                    long accounted = accounted(writer) + 200;
                    writer.accept(readings("tank", 200));
                    Await.until("the readings stored or counted as lost", () -> accounted(writer) >= accounted);
                }
                Await.until("readings lost to the full disk", () -> writer.lostDiskFull() > 0);
                assertThat(writer.lost()).as("no other cause").isZero();

                Files.delete(filler);
                long before = writer.stored();
                writer.accept(readings("tank", 5));
                Await.until("storing again", () -> writer.stored() >= before + 5);
            }
        } finally {
            run("umount", disk.toString());
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (the test needs root): " + out);
        }
    }

    /** Every reading the writer was given ends up stored or counted as lost, by one cause or another. */
    private static long accounted(StoreWriter writer) {
        return writer.stored() + writer.lost() + writer.lostDiskFull();
    }
}
