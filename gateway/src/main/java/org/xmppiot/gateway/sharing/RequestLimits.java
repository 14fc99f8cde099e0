package org.xmppiot.gateway.sharing;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.jxmpp.jid.BareJid;

/**
 * How many requests reach the owners: a few per JID and per server domain in each window, so that one server's
 * hundred accounts cannot fill an owner's phone. Counted by bare JID and by domain, whatever resources they make up.
 */
final class RequestLimits {

    static final int PER_JID = 2;
    static final int PER_DOMAIN = 5;
    static final Duration WINDOW = Duration.ofHours(1);
    /** Keys remembered before old windows are forgotten. */
    private static final int KEYS_KEPT = 1_024;

    private final LongSupplier nanos;
    private final Map<String, Deque<Long>> seen = new HashMap<>();

    RequestLimits(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** Counts a request of {@code jid} when both it and its domain are within their share; false, and nothing counted, if not. */
    synchronized boolean admit(BareJid jid) {
        long now = nanos.getAsLong();
        if (seen.size() > KEYS_KEPT) {
            seen.values().removeIf(times -> expire(times, now).isEmpty());
        }
        Deque<Long> byJid = expire(seen.computeIfAbsent("jid:" + jid, k -> new ArrayDeque<>()), now);
        Deque<Long> byDomain = expire(seen.computeIfAbsent("domain:" + jid.getDomain(), k -> new ArrayDeque<>()), now);
        if (byJid.size() >= PER_JID || byDomain.size() >= PER_DOMAIN) {
            return false;
        }
        byJid.addLast(now);
        byDomain.addLast(now);
        return true;
    }

    private static Deque<Long> expire(Deque<Long> times, long now) {
        while (!times.isEmpty() && now - times.peekFirst() >= WINDOW.toNanos()) {
            times.removeFirst();
        }
        return times;
    }
}
