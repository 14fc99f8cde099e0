package org.xmppiot.drivers.serial;

import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into lines at a delimiter (by default a newline; a carriage return before it
 * is dropped). A line longer than {@code maxLength} is discarded up to the next delimiter and
 * reported, so a device that never sends a delimiter cannot make the gateway grow without bound.
 */
final class LineFramer implements Framer {

    private final byte[] delimiter;
    private final int maxLength;
    private final byte[] line;
    private int size;
    private boolean overlong;

    LineFramer(byte[] delimiter, int maxLength) {
        if (delimiter.length == 0) {
            throw new IllegalArgumentException("empty delimiter");
        }
        this.delimiter = delimiter.clone();
        this.maxLength = maxLength;
        this.line = new byte[maxLength + delimiter.length];
    }

    /** Hands on every complete line; reports the start of every overlong one as {@code too-long}. Empty lines are skipped. */
    @Override
    public void accept(byte[] buf, int length, Consumer<byte[]> frames, BiConsumer<String, byte[]> rejects) {
        for (int i = 0; i < length; i++) {
            if (size == line.length) {
                if (!overlong) {
                    rejects.accept("too-long", Arrays.copyOf(line, Math.min(size, 64)));
                    overlong = true;
                }
                // Keep the tail, which may hold the start of the delimiter.
                System.arraycopy(line, size - (delimiter.length - 1), line, 0, delimiter.length - 1);
                size = delimiter.length - 1;
            }
            line[size++] = buf[i];
            if (endsWithDelimiter()) {
                int end = size - delimiter.length;
                if (end > 0 && line[end - 1] == '\r' && delimiter[0] == '\n') {
                    end--;
                }
                size = 0;
                if (overlong) {
                    overlong = false;
                } else if (end > 0) {
                    frames.accept(Arrays.copyOf(line, end));
                }
            }
        }
    }

    @Override
    public void reset() {
        size = 0;
        overlong = false;
    }

    private boolean endsWithDelimiter() {
        if (size < delimiter.length) {
            return false;
        }
        for (int i = 0, j = size - delimiter.length; i < delimiter.length; i++, j++) {
            if (line[j] != delimiter[i]) {
                return false;
            }
        }
        return true;
    }
}
