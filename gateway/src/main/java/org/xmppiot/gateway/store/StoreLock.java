package org.xmppiot.gateway.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One gateway per store: an OS lock on {@code <store>.lock}, held for as long as the store is open and
 * released by the kernel when the process ends, however it ends (no stale lock after a kill or a power
 * cut). The file holds the PID of the holder, so the one refused can say whom to stop. A file of its
 * own, not the database: POSIX locks belong to the process, and SQLite closing its own descriptor of the
 * database would drop a lock taken there.
 */
final class StoreLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;
    private final boolean uncleanBefore;

    private StoreLock(FileChannel channel, FileLock lock, boolean uncleanBefore) {
        this.channel = channel;
        this.lock = lock;
        this.uncleanBefore = uncleanBefore;
    }

    /**
     * Whether the gateway that used the store before did not stop cleanly (killed, crashed, a power cut): its PID is
     * still in the file, which a clean stop empties.
     */
    boolean uncleanBefore() {
        return uncleanBefore;
    }

    /** Takes the lock of the store {@code file}, or throws the sentence that says who holds it. */
    static StoreLock acquire(Path file) throws StoreException {
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StoreException("cannot open the store's lock file " + lockFile + ": " + e.getMessage(), e);
        }
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                String holder = holder(channel);
                channel.close();
                throw new StoreException("another gateway" + (holder.isEmpty() ? "" : " (PID " + holder + ")") + " is using " + file
                        + "; stop it first (systemctl stop xmpp-iot-gateway), or give this one its own store.path", null);
            }
            boolean unclean = !holder(channel).isEmpty();
            byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            return new StoreLock(channel, lock, unclean);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StoreException("cannot lock the store " + file + " through " + lockFile + ": " + e.getMessage(), e);
        }
    }

    /** The PID the holder wrote, or empty when it cannot be read. */
    private static String holder(FileChannel channel) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            channel.read(b, 0);
            String text = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
            return text.matches("\\d+") ? text : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing held yet.
        }
    }

    @Override
    public void close() {
        try {
            channel.truncate(0); // A clean stop: the next start need not allow for readings published and not committed.
        } catch (IOException ignored) {
            // Then the next start allows for them, which costs nothing but a gap in the numbers.
        }
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel releases it too.
        }
        closeQuietly(channel);
    }
}
