package org.xmppiot.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Quality;
import org.xmppiot.core.model.Reading;
import org.xmppiot.gateway.config.StoreConfig;

/** The table of field layouts on real SQLite files: kept once, only when committed, read back after a restart, bounded. */
class FieldLayoutsTest {

    private static final Instant T0 = Instant.parse("2026-12-04T10:15:30.123456789Z");

    @TempDir
    Path dir;

    private static List<Field> meter(String power, String unit) {
        return List.of(Field.readout("power", new FieldValue.NumericValue(new BigDecimal(power), unit)),
                new Field("door", new FieldValue.BooleanValue(true), Set.of(Quality.AUTOMATIC_READOUT)));
    }

    private Connection prepared() throws SQLException {
        Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("layouts.db"));
        StoreLayout.prepare(db, "layouts.db");
        return db;
    }

    private static long rows(Connection db) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM field_layout")) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    @Test
    void aLayoutIsKeptOnceAndOnlyWhenItsTransactionCommits() throws Exception {
        byte[] watts = FieldsCodec.layout(meter("51.6", "W"));
        byte[] kilowatts = FieldsCodec.layout(meter("0.052", "kW"));
        long wattsId;
        try (Connection db = prepared()) {
            FieldLayouts layouts = FieldLayouts.load(db, 10);
            db.setAutoCommit(false);
            long first = layouts.idFor(watts);
            assertThat(layouts.idFor(FieldsCodec.layout(meter("60.1", "W")))).isEqualTo(first);
            layouts.writePending(db);
            db.rollback();
            layouts.rolledBack();
            assertThat(rows(db)).isZero();
            assertThrows(IOException.class, () -> layouts.layout(first));
            // The id was not kept, so it is given again.
            assertThat(layouts.idFor(kilowatts)).isEqualTo(first);
            wattsId = layouts.idFor(watts);
            assertThat(wattsId).isNotEqualTo(first);
            layouts.writePending(db);
            db.commit();
            layouts.committed();
            assertThat(rows(db)).isEqualTo(2);
            assertThat(layouts.idFor(watts)).isEqualTo(wattsId);
        }
        try (Connection db = prepared()) {
            FieldLayouts again = FieldLayouts.load(db, 10);
            assertThat(again.idFor(watts)).isEqualTo(wattsId);
            assertThat(FieldsCodec.decode(FieldsCodec.encodeValues(wattsId, meter("51.6", "W")), again)).isEqualTo(meter("51.6", "W"));
        }
    }

    @Test
    void pastItsLimitAStoreMakesNoMoreLayouts() throws Exception {
        try (Connection db = prepared()) {
            FieldLayouts layouts = FieldLayouts.load(db, 2);
            long w = layouts.idFor(FieldsCodec.layout(meter("1", "W")));
            long kw = layouts.idFor(FieldsCodec.layout(meter("1", "kW")));
            assertThat(layouts.idFor(FieldsCodec.layout(meter("1", "MW")))).isEqualTo(-1);
            assertThat(layouts.idFor(FieldsCodec.layout(meter("2", "kW")))).isEqualTo(kw).isNotEqualTo(w);
        }
    }

    @Test
    void aStoreKeepsTheFieldsReadingsShareOnceAndReadsThemBackAfterARestart() throws Exception {
        StoreConfig config = new StoreConfig(dir.resolve("readings.db"), StoreConfig.DEFAULT_MAX_BYTES, StoreConfig.DEFAULT_MAX_AGE,
                Duration.ZERO);
        List<Reading> written = new ArrayList<>();
        try (ReadingStore store = ReadingStore.open(config)) {
            for (int commit = 0; commit < 5; commit++) {
                List<Reading> batch = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    int n = commit * 10 + i;
                    batch.add(new Reading("meter", n + 1, T0.plusMillis(n), meter(n + ".5", n < 25 ? "W" : "kW")));
                }
                store.append(batch, 20, List.of("pubsub"));
                written.addAll(batch);
            }
        }
        try (ReadingStore store = ReadingStore.open(config);
             Connection db = DriverManager.getConnection("jdbc:sqlite:" + config.path())) {
            assertThat(store.history("meter", T0, T0.plusSeconds(1), 100)).isEqualTo(written);
            assertThat(rows(db)).isEqualTo(2);
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT max(length(fields)) FROM reading")) {
                rs.next();
                assertThat(rs.getInt(1)).isLessThan(FieldsCodec.encode(meter("49.5", "kW")).length / 2);
            }
        }
    }
}
