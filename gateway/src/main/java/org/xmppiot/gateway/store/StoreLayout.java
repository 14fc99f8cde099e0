package org.xmppiot.gateway.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's tables and their version ({@code PRAGMA user_version}): made for a new file, brought up to date for an
 * older one, and a file of a newer version refused, since this version cannot know what that one changed.
 *
 * <p>Versions: 0, stores made before versions were kept, numbered readings with AUTOINCREMENT, which rewrites a page
 * of {@code sqlite_sequence} in every commit; 1 numbers them from the highest id kept (and {@code id_floor} once
 * retention deleted everything), one page less per commit for the card; 2 adds {@code field_layout}, what readings of
 * a kind share, kept once (rows hold their values and a layout's id), and finds a thing's readings by
 * {@code reading_span} (a row per thing and commit) instead of an index entry per reading, which earlier versions can
 * read neither of. Stores this version makes are of version 2. Stores of version 0 are rebuilt as version 1 at start;
 * stores of version 1 stay so, written as version 1 writes them, so that a rollback to the version that made them
 * (an update that failed its health gate, docs/FLEETS.md) finds a store it reads.
 */
final class StoreLayout {

    static final int VERSION = 2;

    private static final Logger log = LoggerFactory.getLogger(StoreLayout.class);
    private static final String READING_COLUMNS = "(id INTEGER PRIMARY KEY, thing TEXT NOT NULL, seq INTEGER NOT NULL, "
            + "taken_at_ns INTEGER NOT NULL, fields BLOB NOT NULL)";
    /** The newest version stores of an older layout are kept at (see above). */
    static final int KEPT_OLDER = 1;
    /** Version 1 finds a thing's readings by this index, an entry per reading. */
    private static final String READING_INDEX = "CREATE INDEX IF NOT EXISTS reading_by_thing_time ON reading (thing, taken_at_ns)";

    private StoreLayout() {
    }

    /** Makes or upgrades the tables and says the store's version; leaves the connection in autocommit mode as it found it. */
    static int prepare(Connection db, String file) throws SQLException {
        try (Statement s = db.createStatement()) {
            int version = version(s);
            if (version > VERSION) {
                throw new SQLException("it was written by a newer version of the gateway (store version " + version
                        + "; this version knows up to " + VERSION + "): install that version again, or move the file aside to"
                        + " start a new store (its readings stay in it)");
            }
            boolean made = !tables(s).contains("reading");
            s.executeUpdate("CREATE TABLE IF NOT EXISTS reading " + READING_COLUMNS);
            if (made || version >= VERSION) {
                s.executeUpdate(ReadingSpan.TABLE);
                s.executeUpdate(ReadingSpan.INDEX);
                s.executeUpdate("CREATE TABLE IF NOT EXISTS field_layout (id INTEGER PRIMARY KEY, layout BLOB NOT NULL)");
            } else {
                s.executeUpdate(READING_INDEX);
            }
            s.executeUpdate("CREATE TABLE IF NOT EXISTS outbox (destination TEXT NOT NULL, first_id INTEGER NOT NULL, "
                    + "last_id INTEGER NOT NULL, thing TEXT, readings INTEGER, PRIMARY KEY (destination, first_id)) WITHOUT ROWID");
            s.executeUpdate("CREATE TABLE IF NOT EXISTS id_floor (next INTEGER NOT NULL)");
            addOutboxColumnsOfOlderStores(s);
            if (made) {
                s.executeUpdate("PRAGMA user_version = " + VERSION);
                return VERSION;
            }
            if (version < KEPT_OLDER) {
                dropAutoincrement(db, s, file);
            }
            return version(s);
        }
    }

    /**
     * Copies the readings into a table without AUTOINCREMENT (version 1), in one transaction: a cut or a full disk leaves
     * the store as it was, which keeps working (with its extra page per commit) and is upgraded at a later start.
     */
    private static void dropAutoincrement(Connection db, Statement s, String file) throws SQLException {
        long readings;
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM reading")) {
            readings = rs.next() ? rs.getLong(1) : 0;
        }
        upgrade(db, file, "numbering without AUTOINCREMENT, one page less per commit, " + readings + " readings", () -> {
            s.executeUpdate("DROP TABLE IF EXISTS reading_upgrade");
            s.executeUpdate("CREATE TABLE reading_upgrade " + READING_COLUMNS);
            s.executeUpdate("INSERT INTO reading_upgrade SELECT id, thing, seq, taken_at_ns, fields FROM reading ORDER BY id");
            // The next id must stay above every id given so far, also those of readings retention deleted.
            s.executeUpdate("DELETE FROM id_floor");
            s.executeUpdate("INSERT INTO id_floor SELECT coalesce(seq, 0) + 1 FROM sqlite_sequence WHERE name = 'reading'");
            s.executeUpdate("DROP TABLE reading");
            s.executeUpdate("ALTER TABLE reading_upgrade RENAME TO reading");
            s.executeUpdate(READING_INDEX);
        });
    }

    @FunctionalInterface
    private interface Steps {
        void run() throws SQLException;
    }

    /**
     * Runs an upgrade's steps and sets the version, in one transaction: a cut or a full disk leaves the store as it was,
     * and the upgrade is tried again at the next start.
     */
    private static void upgrade(Connection db, String file, String what, Steps steps) throws SQLException {
        long started = System.nanoTime();
        log.info("upgrading the store {} to version {} ({})", file, KEPT_OLDER, what);
        db.setAutoCommit(false);
        try (Statement s = db.createStatement()) {
            steps.run();
            s.executeUpdate("PRAGMA user_version = " + KEPT_OLDER);
            db.commit();
            log.info("upgraded the store {} in {} ms", file, (System.nanoTime() - started) / 1_000_000);
        } catch (SQLException e) {
            try {
                db.rollback();
            } catch (SQLException ignored) {
                // SQLite ended the transaction itself (a full disk): nothing of the upgrade was kept either way.
            }
            log.warn("the store {} keeps its older layout for now (it works; the upgrade is tried again at the next start): {}",
                    file, e.getMessage());
        } finally {
            db.setAutoCommit(true);
        }
    }

    /** Stores written before items could grow held contiguous ranges only; their entries keep working (thing unset). */
    private static void addOutboxColumnsOfOlderStores(Statement s) throws SQLException {
        Set<String> columns = columns(s, "outbox");
        if (!columns.contains("thing")) {
            s.executeUpdate("ALTER TABLE outbox ADD COLUMN thing TEXT");
        }
        if (!columns.contains("readings")) {
            s.executeUpdate("ALTER TABLE outbox ADD COLUMN readings INTEGER");
        }
    }

    /** The id the next reading takes: above every id kept and every id given before retention deleted all. */
    static long nextId(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT max(coalesce((SELECT max(id) FROM reading), 0) + 1, "
                + "coalesce((SELECT max(next) FROM id_floor), 1)" + (tables(s).contains("sqlite_sequence")
                ? ", coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'reading'), 0) + 1" : "") + ")")) {
            return rs.next() ? rs.getLong(1) : 1;
        }
    }

    static int version(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    static Set<String> columns(Statement s, String table) throws SQLException {
        Set<String> present = new HashSet<>();
        try (ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rs.next()) {
                present.add(rs.getString("name"));
            }
        }
        return present;
    }

    private static Set<String> tables(Statement s) throws SQLException {
        Set<String> names = new HashSet<>();
        try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
