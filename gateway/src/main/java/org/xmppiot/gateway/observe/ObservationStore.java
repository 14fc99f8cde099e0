package org.xmppiot.gateway.observe;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observers' subscriptions, kept in the gateway's store file so they outlive a restart. Each is kept
 * as the request its observer sent, and read back with the same parser.
 */
public final class ObservationStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ObservationStore.class);

    /** A kept subscription: who asked, and what. */
    public record Kept(String subscriber, ObserveRequest request, boolean byChat) {
    }

    private final Connection db;

    public ObservationStore(Path file) throws SQLException {
        db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
            s.execute("PRAGMA synchronous = FULL");
            s.executeUpdate("CREATE TABLE IF NOT EXISTS observation (subscriber TEXT NOT NULL, seqnr INTEGER NOT NULL, "
                    + "request TEXT NOT NULL, by_chat INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (subscriber, seqnr)) WITHOUT ROWID");
        }
    }

    public synchronized void put(String subscriber, ObserveRequest request, boolean byChat) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("INSERT OR REPLACE INTO observation (subscriber, seqnr, request, by_chat) "
                + "VALUES (?, ?, ?, ?)")) {
            s.setString(1, subscriber);
            s.setLong(2, request.seqnr());
            s.setString(3, new EventSubscribe(request).getChildElementXML().toString());
            s.setInt(4, byChat ? 1 : 0);
            s.executeUpdate();
        }
    }

    public synchronized void remove(String subscriber, long seqnr) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("DELETE FROM observation WHERE subscriber = ? AND seqnr = ?")) {
            s.setString(1, subscriber);
            s.setLong(2, seqnr);
            s.executeUpdate();
        }
    }

    public synchronized void removeAll(String subscriber) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("DELETE FROM observation WHERE subscriber = ?")) {
            s.setString(1, subscriber);
            s.executeUpdate();
        }
    }

    /** Every kept subscription; one that can no longer be read is logged and left out. */
    public synchronized List<Kept> all() throws SQLException {
        List<Kept> out = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT subscriber, seqnr, request, by_chat FROM observation")) {
            while (rs.next()) {
                try {
                    XmlPullParser parser = PacketParserUtils.getParserFor(rs.getString(3));
                    IQ iq = new EventsIqProvider().parse(parser, parser.getDepth(), null, null);
                    if (iq instanceof EventSubscribe e && e.problem() == null) {
                        out.add(new Kept(rs.getString(1), e.request(), rs.getInt(4) != 0));
                        continue;
                    }
                } catch (Exception e) {
                    // Falls through to the warning.
                }
                log.warn("observation {} #{} in the store is unreadable; left out", rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            log.warn("closing the observation store failed: {}", e.getMessage());
        }
    }
}
