package org.xmppiot.gateway.xmpp;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;

/**
 * Smack's stream writer with a buffer of characters, encoded a few kilobytes at a time. A piece held in a
 * {@link StringBuilder} (a published item's readings, written as one text) is copied in chunks: through
 * {@link Writer#append(CharSequence)} it would become a string first, one more copy of every item.
 */
final class StanzaWriter extends BufferedWriter {

    private final char[] chunk = new char[1024];

    StanzaWriter(Writer out, int bufferChars) {
        super(out, bufferChars);
    }

    @Override
    public Writer append(CharSequence piece) throws IOException {
        if (!(piece instanceof StringBuilder text)) {
            return super.append(piece);
        }
        for (int from = 0; from < text.length(); from += chunk.length) {
            int to = Math.min(text.length(), from + chunk.length);
            text.getChars(from, to, chunk, 0);
            write(chunk, 0, to - from);
        }
        return this;
    }
}
