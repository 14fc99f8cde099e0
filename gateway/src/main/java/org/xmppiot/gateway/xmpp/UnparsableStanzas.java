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

    private UnparsableStanzas() {
    }

    @Override
    public void handleUnparsableStanza(UnparseableStanza stanza) {
        dropped.incrementAndGet();
        String content = stanza.getContent() == null ? "" : stanza.getContent().toString();
        log.warn("dropped a stanza that cannot be parsed ({}): {}", stanza.getParsingException().getMessage(),
                content.length() > SHOWN ? content.substring(0, SHOWN) + "…" : content);
    }

    /** Stanzas dropped so far in this process. */
    public long dropped() {
        return dropped.get();
    }
}
