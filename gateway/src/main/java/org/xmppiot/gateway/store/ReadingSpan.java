package org.xmppiot.gateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;

/**
 * One thing's readings in one commit, as a row of {@code reading_span}: their id range, the earliest and latest time
 * taken among them, and their highest reading and lowest status sequence. It replaces an index entry per reading (a
 * quarter of what the card got for each) with one row per thing and commit, and finds a thing's readings in a time
 * range just as well: a history looks up the spans that overlap it and reads their id ranges. Exact times per span keep
 * it right when a clock steps back. Readings of a thing in one commit never share ids with another of its spans.
 */
final class ReadingSpan {

    static final String TABLE = "CREATE TABLE IF NOT EXISTS reading_span (thing TEXT NOT NULL, first_id INTEGER NOT NULL, "
            + "last_id INTEGER NOT NULL, min_ns INTEGER NOT NULL, max_ns INTEGER NOT NULL, max_seq INTEGER NOT NULL, "
            + "min_seq INTEGER NOT NULL, PRIMARY KEY (thing, first_id)) WITHOUT ROWID";
    static final String INDEX = "CREATE INDEX IF NOT EXISTS reading_span_by_time ON reading_span (thing, max_ns)";
    /**
     * The FROM clause of a query for one thing's readings taken in a time range, as {@code r}; its parameters are set
     * by {@link #setThingAndTimes}.
     */
    static final String THINGS_READINGS_IN_TIME = "FROM reading_span p JOIN reading r ON r.id BETWEEN p.first_id AND p.last_id "
            + "WHERE p.thing = ? AND p.max_ns >= ? AND p.min_ns <= ? AND r.thing = p.thing AND r.taken_at_ns BETWEEN ? AND ?";

    /** The same for a store kept at version 1, by its index. */
    static final String THINGS_READINGS_IN_TIME_BY_INDEX = "FROM reading r WHERE r.thing = ? AND r.taken_at_ns BETWEEN ? AND ?";

    private final String thing;
    private long firstId = -1;
    private long lastId;
    private long minNs = Long.MAX_VALUE;
    private long maxNs = Long.MIN_VALUE;
    private long maxSeq;
    private long minSeq;

    ReadingSpan(String thing) {
        this.thing = thing;
    }

    /** The next reading of this thing in the commit; ids come in increasing order. */
    void add(long id, long takenAtNs, long seq) {
        if (firstId < 0) {
            firstId = id;
        }
        lastId = id;
        minNs = Math.min(minNs, takenAtNs);
        maxNs = Math.max(maxNs, takenAtNs);
        maxSeq = Math.max(maxSeq, seq);
        minSeq = Math.min(minSeq, seq);
    }

    /** Writes the spans of a commit, in its transaction. */
    static void insert(Connection db, Collection<ReadingSpan> spans) throws SQLException {
        if (spans.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO reading_span VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (ReadingSpan span : spans) {
                insert.setString(1, span.thing);
                insert.setLong(2, span.firstId);
                insert.setLong(3, span.lastId);
                insert.setLong(4, span.minNs);
                insert.setLong(5, span.maxNs);
                insert.setLong(6, span.maxSeq);
                insert.setLong(7, span.minSeq);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /**
     * Sets the thing and the range of {@link #THINGS_READINGS_IN_TIME}, or with {@code bySpans} false of
     * {@link #THINGS_READINGS_IN_TIME_BY_INDEX}; returns the next parameter's index.
     */
    static int setThingAndTimes(PreparedStatement s, String thing, long fromNs, long toNs, boolean bySpans) throws SQLException {
        s.setString(1, thing);
        s.setLong(2, fromNs);
        s.setLong(3, toNs);
        if (!bySpans) {
            return 4;
        }
        s.setLong(4, fromNs);
        s.setLong(5, toNs);
        return 6;
    }

    /**
     * Retention deleted the readings up to {@code boundary}: spans wholly in it go, one that reaches past it keeps the
     * rest (its times and sequences then bound the readings left, which is all a lookup needs).
     */
    static void deleteUpTo(Connection db, long boundary) throws SQLException {
        try (PreparedStatement gone = db.prepareStatement("DELETE FROM reading_span WHERE last_id <= ?");
             PreparedStatement cut = db.prepareStatement("UPDATE reading_span SET first_id = ? WHERE first_id <= ?")) {
            gone.setLong(1, boundary);
            gone.executeUpdate();
            cut.setLong(1, boundary + 1);
            cut.setLong(2, boundary);
            cut.executeUpdate();
        }
    }
}
