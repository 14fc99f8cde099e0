package org.xmppiot.gateway.xmpp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;

/**
 * How much a stranger may cost us: every reply to an account that is neither owner nor reader spends a
 * token of that account's bucket ({@link #BURST} at most, one back every {@link #REFILL_NANOS}). A flood
 * gets a few errors, then silence. Servers and components (JIDs without a local part) are never limited,
 * and the buckets are bounded in number, so a crowd of strangers cannot grow our memory either.
 */
public final class StrangerReplies {

    static final int BURST = 5;
    static final long REFILL_NANOS = 1_000_000_000L;
    static final int MAX_TRACKED = 1024;

    private final Predicate<BareJid> known;
    private final AtomicLong suppressed = new AtomicLong();
    private final Map<BareJid, Bucket> buckets = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<BareJid, Bucket> eldest) {
            return size() > MAX_TRACKED;
        }
    };

    private static final class Bucket {
        double tokens = BURST;
        long updated = System.nanoTime();
    }

    /** {@code known}: the owners and readers, by bare JID. */
    public StrangerReplies(Predicate<BareJid> known) {
        this.known = known;
    }

    /** No limits: for connections that are not the gateway's (watch, doctor, tests). */
    static StrangerReplies none() {
        return new StrangerReplies(jid -> true);
    }

    /** Whether a stanza to {@code to} may go out now; a refused one is counted. */
    boolean mayReplyTo(Jid to) {
        if (to == null || !to.hasLocalpart() || known.test(to.asBareJid())) {
            return true;
        }
        long now = System.nanoTime();
        synchronized (buckets) {
            Bucket b = buckets.computeIfAbsent(to.asBareJid(), j -> new Bucket());
            b.tokens = Math.min(BURST, b.tokens + (now - b.updated) / (double) REFILL_NANOS);
            b.updated = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return true;
            }
        }
        suppressed.incrementAndGet();
        return false;
    }

    /** Replies to strangers left unsent so far. */
    public long suppressed() {
        return suppressed.get();
    }
}
