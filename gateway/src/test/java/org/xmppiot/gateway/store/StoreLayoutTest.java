package org.xmppiot.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.gateway.config.StoreConfig;

/** The store's version on real SQLite files: older stores are upgraded with everything in them, newer ones refused. */
class StoreLayoutTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:15:30.123456789Z");

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("readings.db");
    }

    private StoreConfig config() {
        return new StoreConfig(file(), StoreConfig.DEFAULT_MAX_BYTES, StoreConfig.DEFAULT_MAX_AGE, Duration.ZERO);
    }

    private static Reading reading(long seq) {
        return new Reading("boiler", seq, T0.plusSeconds(seq), List.of(Field.readout("power", FieldValue.NumericValue.of(1000 + seq, 1, "W"))));
    }

    /**
     * A store as versions before 2 wrote it: AUTOINCREMENT, readings 1..10 of which 1..4 are confirmed, and ids up to 50
     * given once (readings 11..50 deleted by retention, as a counter in sqlite_sequence shows).
     */
    private void writeVersionZeroStore() throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file()); Statement s = db.createStatement()) {
            s.execute("PRAGMA journal_mode = WAL");
            s.executeUpdate("CREATE TABLE reading (id INTEGER PRIMARY KEY AUTOINCREMENT, thing TEXT NOT NULL, "
                    + "seq INTEGER NOT NULL, taken_at_ns INTEGER NOT NULL, fields BLOB NOT NULL)");
            s.executeUpdate("CREATE INDEX reading_by_thing_time ON reading (thing, taken_at_ns)");
            s.executeUpdate("CREATE TABLE outbox (destination TEXT NOT NULL, first_id INTEGER NOT NULL, last_id INTEGER NOT NULL, "
                    + "thing TEXT, readings INTEGER, PRIMARY KEY (destination, first_id)) WITHOUT ROWID");
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO reading (thing, seq, taken_at_ns, fields) VALUES (?, ?, ?, ?)")) {
                for (long seq = 1; seq <= 10; seq++) {
                    Reading r = reading(seq);
                    insert.setString(1, r.thingId());
                    insert.setLong(2, r.sequence());
                    insert.setLong(3, ReadingStore.nanos(r.timestamp()));
                    insert.setBytes(4, FieldsCodec.encodeVersion1(r.fields()));
                    insert.executeUpdate();
                }
            }
            s.executeUpdate("INSERT INTO outbox VALUES ('pubsub', 5, 7, 'boiler', 3), ('pubsub', 8, 10, 'boiler', 3)");
            s.executeUpdate("UPDATE sqlite_sequence SET seq = 50 WHERE name = 'reading'");
        }
    }

    private String readingTableSql() throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file()); Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT sql FROM sqlite_master WHERE name = 'reading'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private int userVersion() throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file()); Statement s = db.createStatement()) {
            return StoreLayout.version(s);
        }
    }

    @Test
    void anOlderStoreIsUpgradedWithEveryReadingItsOutboxAndItsIds() throws Exception {
        writeVersionZeroStore();

        try (ReadingStore store = ReadingStore.open(config())) {
            List<StoredItem> pending = store.pending("pubsub", 0, 100);
            assertThat(pending).extracting(StoredItem::firstId).containsExactly(5L, 8L);
            List<Reading> unsent = new ArrayList<>();
            pending.forEach(i -> unsent.addAll(i.readings()));
            assertThat(unsent).containsExactly(reading(5), reading(6), reading(7), reading(8), reading(9), reading(10));
            assertThat(store.history("boiler", T0, T0.plusSeconds(100), 100)).hasSize(10);
            assertThat(store.unsent("pubsub")).isEqualTo(6);

            List<StoredItem> next = store.append(List.of(reading(11)), 1, List.of("pubsub"));
            assertThat(next.get(0).firstId()).as("above every id given before, deleted ones too").isEqualTo(51);
        }
        assertThat(readingTableSql()).doesNotContainIgnoringCase("AUTOINCREMENT");
        assertThat(userVersion()).as("the newest layout the versions before this one read").isEqualTo(StoreLayout.KEPT_OLDER);

        try (ReadingStore store = ReadingStore.open(config())) {
            assertThat(store.lastId()).isEqualTo(51);
            assertThat(store.history("boiler", T0, T0.plusSeconds(100), 100)).hasSize(11);
        }
    }

    @Test
    void aVersionOneStoreStaysOneThatTheVersionThatMadeItReadsAfterARollback() throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file()); Statement s = db.createStatement()) {
            s.execute("PRAGMA journal_mode = WAL");
            s.executeUpdate("CREATE TABLE reading (id INTEGER PRIMARY KEY, thing TEXT NOT NULL, seq INTEGER NOT NULL, "
                    + "taken_at_ns INTEGER NOT NULL, fields BLOB NOT NULL)");
            s.executeUpdate("CREATE INDEX reading_by_thing_time ON reading (thing, taken_at_ns)");
            s.executeUpdate("CREATE TABLE outbox (destination TEXT NOT NULL, first_id INTEGER NOT NULL, last_id INTEGER NOT NULL, "
                    + "thing TEXT, readings INTEGER, PRIMARY KEY (destination, first_id)) WITHOUT ROWID");
            s.executeUpdate("CREATE TABLE id_floor (next INTEGER NOT NULL)");
            for (long seq = 2; seq <= 3; seq++) {
                Reading r = reading(seq);
                s.executeUpdate("INSERT INTO reading VALUES (" + seq + ", 'boiler', " + seq + ", " + ReadingStore.nanos(r.timestamp())
                        + ", X'" + java.util.HexFormat.of().formatHex(FieldsCodec.encodeVersion1(r.fields())) + "')");
            }
            // A row exactly as version 1 wrote it: power 51.6 W, energy 50.057 kWh, both automatic read-outs.
            s.executeUpdate("INSERT INTO reading VALUES (1, 'boiler', 1, " + ReadingStore.nanos(T0) + ", X'0100020005706F776572000"
                    + "96D6F6D656E746172790100106175746F6D61746963526561646F75746E00020204000000010001570006656E6572677900096D6F6D656E7"
                    + "46172790100106175746F6D61746963526561646F75746E000300C3890000000300036B5768')");
            s.executeUpdate("INSERT INTO outbox VALUES ('pubsub', 1, 1, 'boiler', 1)");
            s.executeUpdate("PRAGMA user_version = 1");
        }
        List<Field> versionOne = List.of(
                Field.readout("power", new FieldValue.NumericValue(new java.math.BigDecimal("51.6"), "W")),
                Field.readout("energy", new FieldValue.NumericValue(new java.math.BigDecimal("50.057"), "kWh")));

        try (ReadingStore store = ReadingStore.open(config())) {
            assertThat(store.pending("pubsub", 0, 10).get(0).readings()).extracting(Reading::fields).containsExactly(versionOne);
            assertThat(store.lastSequences("boiler")).containsExactly(3, 0);
            store.append(List.of(reading(4)), 1, List.of("pubsub"));
        }
        // What version 1 needs to read it: its version, its index, its tables only, every row in its format.
        assertThat(userVersion()).isEqualTo(1);
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file()); Statement s = db.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT group_concat(name) FROM (SELECT name FROM sqlite_master ORDER BY name)")) {
                assertThat(rs.getString(1)).isEqualTo("id_floor,outbox,reading,reading_by_thing_time");
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM reading WHERE substr(fields, 1, 1) != X'01'")) {
                assertThat(rs.getInt(1)).isZero();
            }
        }
        try (ReadingStore store = ReadingStore.open(config())) {
            assertThat(store.history("boiler", T0, T0.plusSeconds(100), 100)).extracting(Reading::fields)
                    .containsExactly(versionOne, reading(2).fields(), reading(3).fields(), reading(4).fields());
            assertThat(store.history("boiler", T0.plusSeconds(3), T0.plusSeconds(100), 100)).containsExactly(reading(3), reading(4));
        }
    }

    @Test
    void aNewStoreIsMadeAtTheCurrentVersionWithoutAutoincrement() throws Exception {
        try (ReadingStore store = ReadingStore.open(config())) {
            store.append(List.of(reading(1), reading(2)), 1, List.of("pubsub"));
        }
        assertThat(readingTableSql()).doesNotContainIgnoringCase("AUTOINCREMENT");
        assertThat(userVersion()).isEqualTo(StoreLayout.VERSION);
    }

    @Test
    void idsStayAboveAllGivenAfterRetentionDeletedEverythingAndTheGatewayRestarted() throws Exception {
        long last;
        try (ReadingStore store = ReadingStore.open(config())) {
            last = store.append(List.of(reading(1), reading(2), reading(3)), 1, List.of("pubsub")).get(2).lastId();
            store.enforceRetention(T0.plus(Duration.ofDays(365)));
            assertThat(store.history("boiler", T0, T0.plusSeconds(100), 100)).isEmpty();
        }
        try (ReadingStore store = ReadingStore.open(config())) {
            assertThat(store.append(List.of(reading(4)), 1, List.of("pubsub")).get(0).firstId()).isGreaterThan(last);
        }
    }

    @Test
    void aStoreOfANewerVersionIsRefusedSayingWhatToDoAndLeftAsItIs() throws Exception {
        try (ReadingStore store = ReadingStore.open(config())) {
            store.append(List.of(reading(1)), 1, List.of("pubsub"));
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file()); Statement s = db.createStatement()) {
            s.executeUpdate("PRAGMA user_version = " + (StoreLayout.VERSION + 1));
        }

        StoreException e = assertThrows(StoreException.class, () -> ReadingStore.open(config()));

        assertThat(e.getMessage()).contains(file().toString()).contains("newer version")
                .contains("store version " + (StoreLayout.VERSION + 1)).contains("install that version again");
        try (var siblings = Files.list(dir)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("damaged"));
        }
        assertThat(userVersion()).isEqualTo(StoreLayout.VERSION + 1);
    }
}
