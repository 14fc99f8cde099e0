package org.xmppiot.gateway.xmpp;

import java.lang.reflect.Field;
import java.util.concurrent.locks.ReentrantLock;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.util.ArrayBlockingQueueWithShutdown;
import org.slf4j.LoggerFactory;

/**
 * The lock of the queue Smack's writer thread takes stanzas from. Smack 4.4 keeps the queue private to its
 * {@code PacketWriter} and offers no way to put several stanzas in at once without waking the writer for the first;
 * holding this lock while they go in does that ({@link GuardedTcpConnection#beginBurst}). Looked up by name once: with
 * a Smack that has no such fields, bursts go out as single stanzas, as they would without it.
 */
final class SmackWriterQueue {

    private static final Field QUEUE = field(XMPPTCPConnection.class.getName() + "$PacketWriter", "queue");
    private static final Field LOCK = field(ArrayBlockingQueueWithShutdown.class.getName(), "lock");
    static final boolean LOCK_KNOWN = QUEUE != null && LOCK != null;

    private SmackWriterQueue() {
    }

    /** The lock of {@code writer}'s queue, or null where this Smack's writer is not the one known here. */
    static ReentrantLock lockOf(Object writer) {
        if (!LOCK_KNOWN) {
            return null;
        }
        try {
            return LOCK.get(QUEUE.get(writer)) instanceof ReentrantLock lock ? lock : null;
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    private static Field field(String owner, String name) {
        try {
            Field f = Class.forName(owner).getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(SmackWriterQueue.class).warn("Smack's {}.{} is not there: several stanzas sent at once"
                    + " each wake its writer ({})", owner, name, e.toString());
            return null;
        }
    }
}
