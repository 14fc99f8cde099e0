package org.xmppiot.drivers.serial;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.xmppiot.core.spi.FramingSpec;

/** Cuts the bytes of a port into frames. Used from the port's one reading thread. */
interface Framer {

    /**
     * Feeds bytes; hands every complete frame to {@code frames}, and every rejected stretch to
     * {@code rejects} with a short kind (e.g. {@code bad-checksum}) and a sample of its bytes.
     */
    void accept(byte[] buf, int length, Consumer<byte[]> frames, BiConsumer<String, byte[]> rejects);

    /** Forgets a partial frame, e.g. when the device went away in the middle of one. */
    void reset();

    static Framer of(FramingSpec spec) {
        if (spec instanceof FramingSpec.Lines lines) {
            return new LineFramer(lines.delimiter(), lines.maxLength());
        }
        return new BinaryFramer((FramingSpec.Binary) spec);
    }
}
