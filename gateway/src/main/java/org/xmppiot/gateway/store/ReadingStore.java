package org.xmppiot.gateway.store;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.xmppiot.gateway.config.StoreConfig;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.Reading;

/**
 * The gateway's durable store: every reading (history) and, per destination, an outbox of the items
 * it has not confirmed yet. One SQLite file in WAL mode with full sync, so a commit that returned
 * survives a killed process and a power cut. Items are formed in memory ({@link OutboxItem}) before
 * they are written; an outbox entry names an item by its thing and the store ids of its first and
 * last readings (an item that grows across commits is extended), so an item is the same on every
 * attempt and its id stays stable.
 */
public final class ReadingStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReadingStore.class);
    /** Retention frees a little more than needed, so it does not run again on the next commit. */
    private static final double SIZE_LOW_WATER = 0.9;
    private static final int DELETE_CHUNK = 2_000;
    /** Readings of one outbox entry: counted since items grow across commits, a contiguous range before. */
    private static final String ENTRY_READINGS = "coalesce(readings, last_id - first_id + 1)";

    private final StoreConfig config;
    private final Connection db;
    private final StoreLock lock;
    private final PreparedStatement insertReading;
    private final PreparedStatement insertOutbox;
    private final PreparedStatement extendOutbox;
    private final PreparedStatement selectOutbox;
    private final PreparedStatement selectReadings;
    private final PreparedStatement selectThingReadings;
    private final PreparedStatement deleteOutbox;
    /** What the user is told of a damaged store moved aside (this start, or one still kept from before); null when none. */
    private final String damage;
    private long nextId;
    private final FieldLayouts layouts;
    /** Of this version's layout (spans, shared field layouts); false for a store kept at version 1 (see StoreLayout). */
    private final boolean compact;
    private volatile Uncommitted uncommitted = (thingId, from, to) -> List.of();
    /** False while (or if, after an error) commits are not synced as configured: readings are then not written until they are. */
    private boolean syncedAsConfigured = true;
    private long droppedUnsent;
    private long droppedHistory;

    private ReadingStore(StoreConfig config, Connection db, StoreLock lock, String damage) throws SQLException {
        this.config = config;
        this.db = db;
        this.lock = lock;
        this.damage = damage;
        compact = StoreLayout.prepare(db, config.path().toString()) >= StoreLayout.VERSION;
        try (Statement s = db.createStatement()) {
            nextId = StoreLayout.nextId(s);
        }
        layouts = compact ? FieldLayouts.load(db, FieldLayouts.DEFAULT_LIMIT) : FieldLayouts.none();
        if (!compact) {
            log.info("the store {} keeps its layout of version {}, which the version that made it reads (the compact layout of "
                    + "version {} is for stores this version makes)", config.path(), StoreLayout.KEPT_OLDER, StoreLayout.VERSION);
        }
        db.setAutoCommit(false);
        db.commit();
        insertReading = db.prepareStatement("INSERT INTO reading (id, thing, seq, taken_at_ns, fields) VALUES (?, ?, ?, ?, ?)");
        insertOutbox = db.prepareStatement("INSERT INTO outbox (destination, first_id, last_id, thing, readings) VALUES (?, ?, ?, ?, ?)");
        extendOutbox = db.prepareStatement("UPDATE outbox SET last_id = ?, readings = readings + ? WHERE destination = ? AND first_id = ?");
        selectOutbox = db.prepareStatement("SELECT first_id, last_id, thing FROM outbox WHERE destination = ? AND first_id > ? "
                + "AND first_id <= ? ORDER BY first_id LIMIT ?");
        selectReadings = db.prepareStatement("SELECT thing, seq, taken_at_ns, fields FROM reading WHERE id BETWEEN ? AND ? ORDER BY id");
        // An item's readings among those of other things written in the same commits.
        selectThingReadings = db.prepareStatement("SELECT thing, seq, taken_at_ns, fields FROM reading WHERE id BETWEEN ? AND ? "
                + "AND thing = ? ORDER BY id");
        deleteOutbox = db.prepareStatement("DELETE FROM outbox WHERE destination = ? AND first_id = ?");
    }

    /**
     * Opens the store, creating the file and its directory if needed. A file that fails SQLite's
     * check is moved aside (and named in the log) and a new one started: readings must keep flowing.
     */
    public static ReadingStore open(StoreConfig config) throws StoreException {
        Path file = config.path().toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
        } catch (AccessDeniedException e) {
            throw new StoreException("cannot create the store's directory " + file.getParent()
                    + ": permission denied; create it for the gateway's user or set store.path", e);
        } catch (IOException e) {
            throw new StoreException("cannot create the store's directory " + file.getParent() + ": " + e.getMessage(), e);
        }
        // Before anything reads the file: a second gateway must neither write it nor move it aside as damaged.
        StoreLock lock = StoreLock.acquire(file);
        try {
            String found = damage(file);
            String sentence = found == null ? keptFromBefore(file) : moveAside(file, found);
            createWithPageSize(file);
            Connection db = connect(file);
            try {
                return new ReadingStore(config, db, lock, sentence);
            } catch (SQLException e) {
                db.close();
                throw e;
            }
        } catch (SQLException | IOException e) {
            lock.close();
            String why = e.getMessage();
            if (!Files.isWritable(file.getParent()) || Files.exists(file) && !Files.isWritable(file)) {
                why = "permission denied; the gateway's user must be able to write " + file + " and its directory";
            }
            throw new StoreException("cannot open the store " + file + ": " + why, e);
        }
    }

    /**
     * Moves a damaged store and its WAL aside, kept under the time (the readings in it may still be read with sqlite3),
     * so that a new one can start; the sentence that says so, which the log, chat, the page, /metrics and the fleet show.
     */
    private static String moveAside(Path file, String found) throws IOException {
        String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC)
                .format(Instant.now());
        Path aside = file.resolveSibling(file.getFileName() + DAMAGED + stamp);
        Files.move(file, aside);
        Path wal = file.resolveSibling(file.getFileName() + "-wal");
        if (Files.exists(wal)) {
            Files.move(wal, aside.resolveSibling(aside.getFileName() + "-wal"));
        }
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-shm"));
        String sentence = "The store was damaged (" + found + "): it was moved to " + aside + " and a new one started; readings"
                + " in it that were not yet published stay there.";
        log.error("{}", sentence);
        return sentence;
    }

    private static final String DAMAGED = ".damaged-";

    /** A damaged store an earlier start moved aside and nobody removed yet, in one sentence; null when there is none. */
    private static String keptFromBefore(Path file) throws IOException {
        try (var siblings = Files.list(file.getParent())) {
            return siblings.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(file.getFileName() + DAMAGED) && !n.endsWith("-wal"))
                    .sorted(java.util.Comparator.reverseOrder()).findFirst()
                    .map(n -> "An earlier store was damaged and is kept as " + file.resolveSibling(n)
                            + "; remove it when its readings are no longer needed.")
                    .orElse(null);
        }
    }

    /** Whether the gateway that used this store before stopped without closing it (a kill, a crash, a power cut). */
    public boolean startedAfterUncleanStop() {
        return lock.uncleanBefore();
    }

    /** {the highest reading sequence of {@code thing} kept (0 for none), the lowest status sequence kept (0 for none)}. */
    public synchronized long[] lastSequences(String thing) throws SQLException {
        try (PreparedStatement q = db.prepareStatement(compact
                ? "SELECT coalesce(max(max_seq), 0), coalesce(min(min_seq), 0) FROM reading_span WHERE thing = ?"
                : "SELECT coalesce(max(CASE WHEN seq > 0 THEN seq END), 0), coalesce(min(CASE WHEN seq < 0 THEN seq END), 0) "
                        + "FROM reading WHERE thing = ?")) {
            q.setString(1, thing);
            try (ResultSet rs = q.executeQuery()) {
                long[] last = rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : new long[] {0, 0};
                db.commit(); // Ends the read transaction, so the WAL can be checkpointed.
                return last;
            }
        }
    }

    /** What the user is told of a damaged store moved aside (see {@link #moveAside}); null when there is none. */
    public String damage() {
        return damage;
    }

    /** What SQLite finds wrong with an existing file, or null if it is sound (or not there yet). */
    private static String damage(Path file) throws SQLException {
        if (!Files.exists(file)) {
            return null;
        }
        try (Connection db = connect(file); Statement s = db.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
                String answer = rs.next() ? rs.getString(1) : "no answer to quick_check";
                if (!"ok".equals(answer)) {
                    return answer;
                }
            }
            if (StoreLayout.version(s) > StoreLayout.VERSION) {
                return null; // Sound, of a newer version: refused when opened, never moved aside as damaged.
            }
            // A sound database that is not ours: what a WAL of another database leaves once SQLite has applied it.
            String missing = missingColumns(s, "reading", "id", "thing", "seq", "taken_at_ns", "fields");
            missing = missing != null ? missing : missingColumns(s, "outbox", "destination", "first_id", "last_id");
            return missing;
        } catch (SQLiteException e) {
            SQLiteErrorCode code = e.getResultCode();
            if (code == SQLiteErrorCode.SQLITE_NOTADB || code == SQLiteErrorCode.SQLITE_CORRUPT) {
                return e.getMessage();
            }
            throw e;
        }
    }

    /** "table T lacks the columns ..." when table {@code table} exists without all of {@code columns}; null otherwise. */
    private static String missingColumns(Statement s, String table, String... columns) throws SQLException {
        java.util.Set<String> present = StoreLayout.columns(s, table);
        if (present.isEmpty()) {
            return null; // Not made yet.
        }
        List<String> lacking = java.util.Arrays.stream(columns).filter(c -> !present.contains(c)).toList();
        return lacking.isEmpty() ? null : "its table " + table + " is not the gateway's: no column " + String.join(", ", lacking);
    }

    /**
     * The page size of stores this version makes. Commits are rare and large (one a minute while the server confirms,
     * one per 2,500 readings at high rates): 4 KiB pages, the size of the kernel's page cache and of an ext4 block, let a
     * checkpoint write each page once instead of a whole 4 KiB block for every scattered 1 KiB page, which halves what
     * the card gets at 100 readings/s; at 1 reading/s a commit's few pages then cost a little more (bench/README.md).
     */
    static final int PAGE_SIZE = 4096;

    /** The page size is fixed when the file is made, before WAL mode; existing files keep theirs. */
    private static void createWithPageSize(Path file) throws SQLException {
        if (Files.exists(file)) {
            return;
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = db.createStatement()) {
            s.execute("PRAGMA page_size = " + PAGE_SIZE);
            s.execute("VACUUM"); // Writes the empty file with that page size.
        }
    }

    private static final SQLiteConfig.SynchronousMode SYNCHRONOUS = synchronousLevel();
    /** SQLite's page cache for the store's connection, KiB. */
    static final int PAGE_CACHE_KIB = 512;

    private static SQLiteConfig.SynchronousMode synchronousLevel() {
        String level = System.getenv("XMPP_IOT_STORE_SYNCHRONOUS");
        return level == null || level.isBlank() ? SQLiteConfig.SynchronousMode.FULL
                : SQLiteConfig.SynchronousMode.valueOf(level.strip().toUpperCase(java.util.Locale.ROOT));
    }

    private static Connection connect(Path file) throws SQLException {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL: a commit is on the medium when it returns, so "taken" means kept even on power loss. The power-cut
        // harness runs the gateway once with another level (XMPP_IOT_STORE_SYNCHRONOUS=OFF) to show that it can tell.
        sqlite.setSynchronous(SYNCHRONOUS);
        sqlite.setBusyTimeout(10_000);
        // SQLite keeps up to 2 MiB of pages by default, and a store that only grows fills it within hours: memory a
        // gateway keeps for good. Commits touch a few pages at the end of the tables, history reads go to the file (and
        // the kernel's cache of it).
        sqlite.setCacheSize(-PAGE_CACHE_KIB);
        return DriverManager.getConnection("jdbc:sqlite:" + file, sqlite.toProperties());
    }

    /** Readings handed to a writer of this store and not committed yet: one thing's taken in [from, to], oldest first. */
    @FunctionalInterface
    public interface Uncommitted {
        List<Reading> of(String thingId, Instant from, Instant to);
    }

    /**
     * Makes the history include what {@code view} holds: readings taken and not yet committed are part of it, so that
     * when a commit happens never shows to those who read the history. The view is asked under this store's lock,
     * which its writer holds while it commits.
     */
    public void include(Uncommitted view) {
        uncommitted = view;
    }

    /** A reading to write, with the item it travels in. */
    public record Pending(Reading reading, OutboxItem item) {
    }

    /**
     * Writes readings in one transaction and puts them in each destination's outbox, up to
     * {@code readingsPerItem} readings of one thing per item, in the order they came. For a batch
     * written as a whole (tests, benchmarks); the gateway forms its items as readings arrive.
     *
     * @return the items written, in order
     */
    public List<StoredItem> append(List<Reading> readings, int readingsPerItem, Collection<String> destinations)
            throws SQLException {
        Map<String, List<Reading>> byThing = new LinkedHashMap<>();
        for (Reading r : readings) {
            byThing.computeIfAbsent(r.thingId(), k -> new ArrayList<>()).add(r);
        }
        List<Pending> batch = new ArrayList<>(readings.size());
        List<OutboxItem> items = new ArrayList<>();
        for (List<Reading> ofThing : byThing.values()) {
            OutboxItem item = null;
            for (Reading r : ofThing) {
                if (item == null || !item.add(r)) {
                    item = new OutboxItem(r.thingId(), readingsPerItem);
                    item.add(r);
                    items.add(item);
                }
                batch.add(new Pending(r, item));
            }
        }
        items.forEach(OutboxItem::close);
        append(batch, destinations);
        return items.stream().map(OutboxItem::asStored).toList();
    }

    /**
     * Writes readings in one transaction, in the order given, and keeps each destination's outbox in
     * step with their items: an item's first commit makes its entry, later commits of a growing item
     * extend it. An item the server confirmed before its commit gets no entry. If the transaction fails,
     * nothing of it is kept, in the store or in the items.
     */
    public synchronized void append(List<Pending> batch, Collection<String> destinations) throws SQLException {
        if (!syncedAsConfigured) {
            synchronous(SYNCHRONOUS);
        }
        Map<OutboxItem, long[]> touched = new LinkedHashMap<>(); // item -> first id, last id, count in this batch
        Map<String, ReadingSpan> spans = new LinkedHashMap<>();
        long id = nextId;
        for (Pending p : batch) {
            Reading r = p.reading();
            long takenAt = nanos(r.timestamp());
            if (compact) {
                spans.computeIfAbsent(r.thingId(), ReadingSpan::new).add(id, takenAt, r.sequence());
            }
            insertReading.setLong(1, id);
            insertReading.setString(2, r.thingId());
            insertReading.setLong(3, r.sequence());
            insertReading.setLong(4, takenAt);
            insertReading.setBytes(5, encode(r.fields()));
            insertReading.addBatch();
            long[] range = touched.computeIfAbsent(p.item(), k -> new long[] {-1, -1, 0});
            if (range[0] < 0) {
                range[0] = id;
            }
            range[1] = id;
            range[2]++;
            id++;
        }
        Map<OutboxItem, long[]> before = new LinkedHashMap<>();
        try {
            for (Map.Entry<OutboxItem, long[]> e : touched.entrySet()) {
                OutboxItem item = e.getKey();
                long[] range = e.getValue();
                // Under the item's lock: a confirmation either came before (no entry) or sees the entry's id.
                synchronized (item) {
                    before.put(item, new long[] {item.firstId(), item.lastId(), item.committed()});
                    if (!item.isConfirmed()) {
                        for (String destination : destinations) {
                            if (item.firstId() < 0) {
                                insertOutbox.setString(1, destination);
                                insertOutbox.setLong(2, range[0]);
                                insertOutbox.setLong(3, range[1]);
                                insertOutbox.setString(4, item.thingId());
                                insertOutbox.setLong(5, range[2]);
                                insertOutbox.addBatch();
                            } else {
                                extendOutbox.setLong(1, range[1]);
                                extendOutbox.setLong(2, range[2]);
                                extendOutbox.setString(3, destination);
                                extendOutbox.setLong(4, item.firstId());
                                extendOutbox.addBatch();
                            }
                        }
                    }
                    item.committedUpTo(range[0], range[1], (int) range[2]);
                }
            }
            layouts.writePending(db);
            ReadingSpan.insert(db, spans.values());
            insertReading.executeBatch();
            insertOutbox.executeBatch();
            extendOutbox.executeBatch();
            db.commit();
            layouts.committed();
            nextId = id;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            layouts.rolledBack();
            before.forEach((item, was) -> item.restoreCommitted(was[0], was[1], (int) was[2]));
            throw e;
        }
    }

    /** Up to {@code max} items the destination has not confirmed, after entry {@code afterId}, oldest first. */
    public List<StoredItem> pending(String destination, long afterId, int max) throws SQLException {
        return pending(destination, afterId, Long.MAX_VALUE, max);
    }

    /** The same, among the entries up to {@code upToId}. */
    public synchronized List<StoredItem> pending(String destination, long afterId, long upToId, int max) throws SQLException {
        record Entry(long first, long last, String thing) {
        }
        List<Entry> entries = new ArrayList<>();
        selectOutbox.setString(1, destination);
        selectOutbox.setLong(2, afterId);
        selectOutbox.setLong(3, upToId);
        selectOutbox.setInt(4, max);
        try (ResultSet rs = selectOutbox.executeQuery()) {
            while (rs.next()) {
                entries.add(new Entry(rs.getLong(1), rs.getLong(2), rs.getString(3)));
            }
        }
        List<StoredItem> items = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            List<Reading> readings = readings(e.first(), e.last(), e.thing());
            if (!readings.isEmpty()) {
                items.add(new StoredItem(e.first(), e.last(), readings));
            }
        }
        db.commit(); // Ends the read transaction, so the WAL can be checkpointed.
        return items;
    }

    private List<Reading> readings(long firstId, long lastId, String thing) throws SQLException {
        List<Reading> readings = new ArrayList<>();
        PreparedStatement select = thing == null ? selectReadings : selectThingReadings;
        select.setLong(1, firstId);
        select.setLong(2, lastId);
        if (thing != null) {
            select.setString(3, thing);
        }
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                readings.add(reading(rs, firstId));
            }
        }
        return readings;
    }

    /** Values after the id of their layout, or, past the store's limit of layouts, with their own. */
    private byte[] encode(List<Field> fields) {
        if (!compact) {
            return FieldsCodec.encodeVersion1(fields);
        }
        long layout = layouts.idFor(FieldsCodec.layout(fields));
        return layout < 0 ? FieldsCodec.encode(fields) : FieldsCodec.encodeValues(layout, fields);
    }

    private Reading reading(ResultSet rs, long where) throws SQLException {
        try {
            return new Reading(rs.getString("thing"), rs.getLong("seq"), instant(rs.getLong("taken_at_ns")),
                    FieldsCodec.decode(rs.getBytes("fields"), layouts));
        } catch (IOException e) {
            throw new SQLException("stored reading near id " + where + " is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * Takes confirmed items out of the destination's outbox, in one transaction that is not synced on its own: the next
     * commit of readings syncs it with them. A power cut before that may only send those items once more, under the
     * same ids (the node replaces them), and it spares the card a sync, and a journal commit of its file system, per
     * confirmation batch.
     */
    public synchronized void remove(String destination, Collection<Long> firstIds) throws SQLException {
        if (firstIds.isEmpty()) {
            return;
        }
        synchronous(SQLiteConfig.SynchronousMode.NORMAL);
        try {
            for (long id : firstIds) {
                deleteOutbox.setString(1, destination);
                deleteOutbox.setLong(2, id);
                deleteOutbox.addBatch();
            }
            deleteOutbox.executeBatch();
            db.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw e;
        } finally {
            synchronous(SYNCHRONOUS);
        }
    }

    /** Sets how commits are synced; SQLite allows it between transactions only (the connection is always in one otherwise). */
    private void synchronous(SQLiteConfig.SynchronousMode mode) throws SQLException {
        if (mode.compareTo(SYNCHRONOUS) > 0) {
            mode = SYNCHRONOUS; // Never more than configured (the power-cut harness runs with OFF once).
        }
        syncedAsConfigured = false;
        db.setAutoCommit(true);
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA synchronous = " + mode.getValue());
        } finally {
            db.setAutoCommit(false);
        }
        syncedAsConfigured = mode == SYNCHRONOUS;
    }

    /** The store id of the newest reading written so far (0 for an empty store). */
    public synchronized long lastId() {
        return nextId - 1;
    }

    /** Readings the destination has not confirmed yet. */
    public synchronized long unsent(String destination) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT coalesce(sum(" + ENTRY_READINGS + "), 0) FROM outbox WHERE destination = ?")) {
            s.setString(1, destination);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                long n = rs.getLong(1);
                db.commit();
                return n;
            }
        }
    }

    /** When the oldest reading still waiting in the outbox for {@code destination} was taken; null when none waits. */
    public synchronized Instant oldestUnsent(String destination) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT min(r.taken_at_ns) FROM outbox o JOIN reading r ON r.id = o.first_id "
                + "WHERE o.destination = ?")) {
            s.setString(1, destination);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                long ns = rs.getLong(1);
                boolean none = rs.wasNull();
                db.commit();
                return none ? null : instant(ns);
            }
        }
    }

    /**
     * About {@code points} readings of one thing taken in [{@code from}, {@code to}], spread over the span (every
     * k-th stored reading), oldest first: enough for a chart without reading an hour of a fast sensor.
     */
    public synchronized List<Reading> sampledHistory(String thingId, Instant from, Instant to, int points) throws SQLException {
        long count;
        try (PreparedStatement s = db.prepareStatement("SELECT count(*) " + thingsReadingsInTime())) {
            ReadingSpan.setThingAndTimes(s, thingId, nanos(from), nanos(to), compact);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                count = rs.getLong(1);
            }
        }
        List<Reading> waiting = uncommitted.of(thingId, from, to);
        long every = Math.max(1, (count + waiting.size() + points - 1) / points);
        List<Reading> out = readingsOf(thingId, from, to, "AND r.id % ? = 0 ORDER BY r.taken_at_ns, r.id", every);
        for (long i = (waiting.size() - 1) % every; i < waiting.size(); i += every) { // Ends with the newest.
            out.add(waiting.get((int) i));
        }
        return out;
    }

    /** Readings of one thing taken in [{@code from}, {@code to}], committed or not yet, oldest first, at most {@code limit}. */
    public synchronized List<Reading> history(String thingId, Instant from, Instant to, int limit) throws SQLException {
        List<Reading> out = compact ? earliest(thingId, nanos(from), nanos(to), limit)
                : readingsOf(thingId, from, to, "ORDER BY r.taken_at_ns, r.id LIMIT ?", limit);
        for (Reading r : uncommitted.of(thingId, from, to)) {
            if (out.size() >= limit) {
                break;
            }
            out.add(r);
        }
        return out;
    }

    /**
     * The {@code limit} earliest readings of one thing taken in [{@code fromNs}, {@code toNs}], by time, then id. Spans are
     * read in the order of their earliest time, and no further once none can hold an earlier reading than those found:
     * a short history of a long range reads a few spans, not the range.
     */
    private List<Reading> earliest(String thingId, long fromNs, long toNs, int limit) throws SQLException {
        record Found(long ns, long id, Reading reading) {
        }
        Comparator<Found> order = Comparator.comparingLong(Found::ns).thenComparingLong(Found::id);
        PriorityQueue<Found> kept = new PriorityQueue<>(order.reversed()); // The latest of those kept on top.
        try (PreparedStatement spans = db.prepareStatement("SELECT first_id, last_id, min_ns FROM reading_span "
                + "WHERE thing = ? AND max_ns >= ? AND min_ns <= ? ORDER BY min_ns, first_id");
             PreparedStatement rows = db.prepareStatement("SELECT id, thing, seq, taken_at_ns, fields FROM reading "
                     + "WHERE id BETWEEN ? AND ? AND thing = ? AND taken_at_ns BETWEEN ? AND ?")) {
            spans.setString(1, thingId);
            spans.setLong(2, fromNs);
            spans.setLong(3, toNs);
            rows.setString(3, thingId);
            rows.setLong(4, fromNs);
            rows.setLong(5, toNs);
            try (ResultSet span = spans.executeQuery()) {
                while (limit > 0 && span.next()) {
                    if (kept.size() >= limit && span.getLong(3) > kept.peek().ns()) {
                        break;
                    }
                    rows.setLong(1, span.getLong(1));
                    rows.setLong(2, span.getLong(2));
                    try (ResultSet rs = rows.executeQuery()) {
                        while (rs.next()) {
                            long id = rs.getLong("id");
                            kept.add(new Found(rs.getLong("taken_at_ns"), id, reading(rs, id)));
                            if (kept.size() > limit) {
                                kept.poll();
                            }
                        }
                    }
                }
            }
        } finally {
            db.commit();
        }
        List<Found> found = new ArrayList<>(kept);
        found.sort(order);
        List<Reading> out = new ArrayList<>(found.size());
        found.forEach(f -> out.add(f.reading()));
        return out;
    }

    /** The FROM clause of a query for one thing's readings in a time range, as {@code r} ({@link ReadingSpan#setThingAndTimes}). */
    private String thingsReadingsInTime() {
        return compact ? ReadingSpan.THINGS_READINGS_IN_TIME : ReadingSpan.THINGS_READINGS_IN_TIME_BY_INDEX;
    }

    /** One thing's readings taken in [{@code from}, {@code to}], with {@code rest} of the query taking one number. */
    private List<Reading> readingsOf(String thingId, Instant from, Instant to, String rest, long number) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT r.id, r.thing, r.seq, r.taken_at_ns, r.fields "
                + thingsReadingsInTime() + " " + rest)) {
            int next = ReadingSpan.setThingAndTimes(s, thingId, nanos(from), nanos(to), compact);
            s.setLong(next, number);
            List<Reading> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(reading(rs, rs.getLong("id")));
                }
            }
            db.commit();
            return out;
        }
    }

    /**
     * Keeps the store within its size and age limits by deleting the oldest readings first; those
     * not yet sent are counted as dropped and logged, never silently lost.
     */
    public synchronized void enforceRetention(Instant now) throws SQLException {
        long cutoff = nanos(now.minus(config.maxAge()));
        while (true) {
            long boundary = oldestIdBefore(cutoff);
            if (boundary < 0) {
                break;
            }
            deleteUpTo(boundary, "older than " + config.maxAge().toDays() + " days");
        }
        if (usedBytes() > config.maxBytes()) {
            while (usedBytes() > config.maxBytes() * SIZE_LOW_WATER) {
                long boundary = oldestChunkEnd();
                if (boundary < 0) {
                    break;
                }
                deleteUpTo(boundary, "the store reached its max-size of " + config.maxBytes() / 1_000_000 + " MB");
            }
        }
    }

    /** The id ending the oldest chunk of readings taken before {@code cutoff}, or -1 if there is none. */
    private long oldestIdBefore(long cutoffNanos) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT max(id) FROM (SELECT id, taken_at_ns FROM reading ORDER BY id LIMIT ?) "
                + "WHERE taken_at_ns < ?")) {
            s.setInt(1, DELETE_CHUNK);
            s.setLong(2, cutoffNanos);
            try (ResultSet rs = s.executeQuery()) {
                long id = rs.next() ? rs.getLong(1) : 0;
                return rs.wasNull() || id == 0 ? -1 : id;
            }
        }
    }

    private long oldestChunkEnd() throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT max(id) FROM (SELECT id FROM reading ORDER BY id LIMIT ?)")) {
            s.setInt(1, DELETE_CHUNK);
            try (ResultSet rs = s.executeQuery()) {
                long id = rs.next() ? rs.getLong(1) : 0;
                return rs.wasNull() || id == 0 ? -1 : id;
            }
        }
    }

    private void deleteUpTo(long boundary, String why) throws SQLException {
        try (PreparedStatement unsent = db.prepareStatement("SELECT coalesce(sum(" + ENTRY_READINGS + "), 0), count(*) FROM outbox "
                + "WHERE first_id <= ?");
             PreparedStatement outbox = db.prepareStatement("DELETE FROM outbox WHERE first_id <= ?");
             PreparedStatement readings = db.prepareStatement("DELETE FROM reading WHERE id <= ?")) {
            if (compact) {
                ReadingSpan.deleteUpTo(db, boundary);
            }
            unsent.setLong(1, boundary);
            long lost;
            try (ResultSet rs = unsent.executeQuery()) {
                rs.next();
                lost = rs.getLong(1);
            }
            outbox.setLong(1, boundary);
            outbox.executeUpdate();
            readings.setLong(1, boundary);
            int deleted = readings.executeUpdate();
            keepIdsAbove(boundary);
            db.commit();
            droppedHistory += deleted;
            droppedUnsent += lost;
            if (lost > 0) {
                log.warn("store dropped {} unsent reading(s) because {}; dropped_unsent_total={}", lost, why, droppedUnsent);
            } else {
                log.debug("store removed {} old reading(s) because {}", deleted, why);
            }
        } catch (SQLException e) {
            rollbackQuietly();
            throw e;
        }
    }

    /** Ids are never given twice, even once retention deleted every reading (ids name items in the outbox). */
    private void keepIdsAbove(long deletedUpTo) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.executeUpdate("DELETE FROM id_floor");
            s.executeUpdate("INSERT INTO id_floor VALUES (" + (deletedUpTo + 1) + ")");
        }
    }

    /** Bytes the store's pages hold; free pages left by deletions are reused and not counted. */
    public synchronized long usedBytes() throws SQLException {
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT page_count FROM pragma_page_count()) - "
                     + "(SELECT freelist_count FROM pragma_freelist_count()), (SELECT page_size FROM pragma_page_size())")) {
            rs.next();
            long bytes = rs.getLong(1) * rs.getLong(2);
            db.commit();
            return bytes;
        }
    }

    /** Unsent readings that retention had to delete since the store was opened. */
    public synchronized long droppedUnsent() {
        return droppedUnsent;
    }

    /** Readings (sent or not) that retention deleted since the store was opened. */
    public synchronized long droppedHistory() {
        return droppedHistory;
    }

    public Path path() {
        return config.path();
    }

    private void rollbackQuietly() {
        clearBatches();
        try {
            db.rollback();
        } catch (SQLException gone) {
            // SQLite ended the transaction itself (it does on a full disk): begin the next one, or the statements of the
            // next commit would each be committed on their own.
            try {
                db.setAutoCommit(true);
            } catch (SQLException ignored) {
                // "No transaction is active": what is being set right here.
            }
            try {
                db.setAutoCommit(false);
            } catch (SQLException ignored) {
                // The next statement fails with the reason, which is what matters.
            }
        }
    }

    private void clearBatches() {
        for (PreparedStatement s : List.of(insertReading, insertOutbox, extendOutbox)) {
            try {
                s.clearBatch();
            } catch (SQLException ignored) {
                // A closed statement has no batch left.
            }
        }
    }

    static long nanos(Instant t) {
        return TimeUnit.SECONDS.toNanos(t.getEpochSecond()) + t.getNano();
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            log.warn("closing the store {} failed: {}", config.path(), e.getMessage());
        } finally {
            lock.close();
        }
    }
}
