package org.xmppiot.gateway.xmpp;

import java.util.concurrent.atomic.AtomicLong;

import org.jivesoftware.smack.UnparseableStanza;
import org.jivesoftware.smack.parsing.ParsingExceptionCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops a stanza the gateway cannot parse, logs why and counts it. Smack's default closes the whole
 * connection instead, so one client's odd data form would take the gateway offline.
 */
public final class UnparsableStanzas implements ParsingExceptionCallback {

    public static final UnparsableStanzas INSTANCE = new UnparsableStanzas();
    private static final Logger log = LoggerFactory.getLogger(UnparsableStanzas.class);
    private static final int SHOWN = 300;

    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong unhandled = new AtomicLong();

    private UnparsableStanzas() {
    }

    @Override
    public void handleUnparsableStanza(UnparseableStanza stanza) {
        drop(stanza.getContent(), stanza.getParsingException());
    }

    /** Drops one stanza whose parsing failed with {@code cause}; logs it shortened, never the whole of it. */
    void drop(CharSequence content, Throwable cause) {
        long n = dropped.incrementAndGet();
        if (worthLogging(n)) {
            log.warn("dropped a stanza that cannot be parsed (#{}, {}: {}): {}", n, cause.getClass().getSimpleName(),
                    shortened(String.valueOf(cause.getMessage())), shortened(content == null ? "" : content));
        }
    }

    /** A feature's handler that threw on a request; it was answered with internal-server-error. */
    void failed(Object handler, RuntimeException e) {
        long n = dropped.incrementAndGet();
        if (worthLogging(n)) {
            log.warn("the handler of {} failed on a request (#{}): {}", handler, n, shortened(String.valueOf(e)));
        }
    }

    /** An IQ request that no feature handles, answered with a bare service-unavailable. */
    void countUnhandled() {
        unhandled.incrementAndGet();
    }

    /** The first ten in full detail, then one in a hundred: a flood must not flood the journal too. */
    private static boolean worthLogging(long n) {
        return n <= 10 || n % 100 == 0;
    }

    /** On one line and at most {@link #SHOWN} characters; a 128 KiB stanza is cut before it is looked at. */
    private static String shortened(CharSequence text) {
        boolean cut = text.length() > SHOWN;
        String oneLine = (cut ? text.subSequence(0, SHOWN) : text).toString().replaceAll("\\s+", " ");
        return cut ? oneLine + "…" : oneLine;
    }

    /** IQ requests for which no feature had a handler, so far in this process. */
    public long unhandled() {
        return unhandled.get();
    }

    /** Stanzas dropped so far in this process. */
    public long dropped() {
        return dropped.get();
    }
}
