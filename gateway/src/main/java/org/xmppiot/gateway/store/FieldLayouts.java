package org.xmppiot.gateway.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The store's table of field layouts ({@link FieldsCodec#layout}): what the readings of a kind share (names, units,
 * kinds, flags), kept once, so that each row holds its values and a layout's id. All of it is held in memory: a gateway
 * has a few layouts, one or two per thing. A layout made in a transaction is written in it and known for good only once
 * it commits. Past {@link #DEFAULT_LIMIT} layouts (a device that names its fields anew each time), rows carry their own.
 */
final class FieldLayouts implements FieldsCodec.Layouts {

    static final int DEFAULT_LIMIT = 4096;

    private final int limit;
    private final Map<ByteBuffer, Long> ids = new HashMap<>();
    private final Map<Long, FieldsCodec.Layout> byId = new HashMap<>();
    /** Made in the open transaction, not committed yet. */
    private final Map<ByteBuffer, Long> pending = new LinkedHashMap<>();
    private final Map<Long, FieldsCodec.Layout> pendingById = new HashMap<>();
    private long next = 1;

    private FieldLayouts(int limit) {
        this.limit = limit;
    }

    /** None, for a store that keeps an older layout: its rows carry their own. */
    static FieldLayouts none() {
        return new FieldLayouts(0);
    }

    /** The layouts a store holds; a damaged one is left out (the rows that use it say so when read). */
    static FieldLayouts load(Connection db, int limit) throws SQLException {
        FieldLayouts layouts = new FieldLayouts(limit);
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT id, layout FROM field_layout")) {
            while (rs.next()) {
                long id = rs.getLong(1);
                byte[] layout = rs.getBytes(2);
                layouts.next = Math.max(layouts.next, id + 1);
                try {
                    layouts.byId.put(id, FieldsCodec.readLayout(layout));
                    layouts.ids.put(ByteBuffer.wrap(layout), id);
                } catch (IOException damaged) {
                    // Its rows fail to read with the reason; the id stays taken.
                }
            }
        }
        return layouts;
    }

    /** The id of {@code layout}, a new one if it is new; -1 once the store holds its limit of layouts. */
    long idFor(byte[] layout) {
        ByteBuffer key = ByteBuffer.wrap(layout);
        Long id = ids.get(key);
        if (id == null) {
            id = pending.get(key);
        }
        if (id == null) {
            if (ids.size() + pending.size() >= limit) {
                return -1;
            }
            try {
                pendingById.put(next, FieldsCodec.readLayout(layout));
            } catch (IOException notReadable) {
                return -1; // Cannot happen for a layout FieldsCodec made; the row then carries its own.
            }
            id = next++;
            pending.put(key, id);
        }
        return id;
    }

    /** Writes the layouts made since the last commit, in the open transaction. */
    void writePending(Connection db) throws SQLException {
        if (pending.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO field_layout (id, layout) VALUES (?, ?)")) {
            for (Map.Entry<ByteBuffer, Long> e : pending.entrySet()) {
                insert.setLong(1, e.getValue());
                insert.setBytes(2, e.getKey().array());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** The transaction that wrote the pending layouts committed. */
    void committed() {
        ids.putAll(pending);
        byId.putAll(pendingById);
        pending.clear();
        pendingById.clear();
    }

    /** The transaction rolled back: its layouts were not kept, and their ids are free again. */
    void rolledBack() {
        next -= pending.size();
        pending.clear();
        pendingById.clear();
    }

    @Override
    public FieldsCodec.Layout layout(long id) throws IOException {
        FieldsCodec.Layout layout = byId.get(id);
        if (layout == null) {
            throw new IOException("stored fields refer to layout " + id + ", which the store does not hold");
        }
        return layout;
    }
}
