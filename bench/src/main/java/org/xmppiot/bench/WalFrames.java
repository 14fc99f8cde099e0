package org.xmppiot.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The committed frames of an SQLite write-ahead log, read from its file (https://www.sqlite.org/fileformat.html, "WAL
 * file format"): which pages each commit wrote. A checkpoint later copies each page it holds into the store file once,
 * which is the other half of what a commit costs the card. A frame belongs to the log's current cycle when it carries
 * the header's salts; a checkpoint that empties the log starts a new cycle with new salts.
 */
record WalFrames(int pageSize, long salt1, long salt2, List<Integer> pages) {

    private static final int HEADER = 32;
    private static final int FRAME_HEADER = 24;

    static WalFrames read(Path wal) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(wal);
        } catch (NoSuchFileException none) {
            return new WalFrames(0, 0, 0, List.of());
        }
        if (bytes.length < HEADER) {
            return new WalFrames(0, 0, 0, List.of());
        }
        ByteBuffer b = ByteBuffer.wrap(bytes); // Big-endian, as SQLite writes it.
        int magic = b.getInt(0);
        if (magic != 0x377f0682 && magic != 0x377f0683) {
            throw new IOException(wal + " is not an SQLite write-ahead log");
        }
        int pageSize = b.getInt(8);
        long salt1 = Integer.toUnsignedLong(b.getInt(16));
        long salt2 = Integer.toUnsignedLong(b.getInt(20));
        List<Integer> pages = new ArrayList<>();
        int committed = 0;
        for (int at = HEADER; at + FRAME_HEADER + pageSize <= bytes.length; at += FRAME_HEADER + pageSize) {
            if (Integer.toUnsignedLong(b.getInt(at + 8)) != salt1 || Integer.toUnsignedLong(b.getInt(at + 12)) != salt2) {
                break; // Left from an earlier cycle: the log's end.
            }
            pages.add(b.getInt(at));
            if (b.getInt(at + 4) != 0) {
                committed = pages.size(); // A commit's last frame names the store's size after it.
            }
        }
        return new WalFrames(pageSize, salt1, salt2, List.copyOf(pages.subList(0, committed)));
    }

    /** Distinct pages committed since {@code before} was read: all of this cycle's if a checkpoint began a new one. */
    long pagesAddedSince(WalFrames before) {
        boolean sameCycle = before.salt1 == salt1 && before.salt2 == salt2 && before.pages.size() <= pages.size();
        Set<Integer> distinct = new HashSet<>(sameCycle ? pages.subList(before.pages.size(), pages.size()) : pages);
        return distinct.size();
    }
}
