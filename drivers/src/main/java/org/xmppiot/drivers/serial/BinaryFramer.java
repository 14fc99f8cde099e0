package org.xmppiot.drivers.serial;

import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.xmppiot.core.spi.FramingSpec;

/**
 * Finds binary packets in a byte stream by their start bytes and length, and checks their trailer
 * and checksum. A candidate that fails (start bytes inside garbage, a cut packet, a bad checksum) is
 * dropped one byte at a time, so the next real packet is still found; garbage before a good packet
 * is reported as {@code skipped-bytes}.
 */
final class BinaryFramer implements Framer {

    private final FramingSpec.Binary spec;
    private byte[] buf;
    private int size;
    private int skipped;

    BinaryFramer(FramingSpec.Binary spec) {
        this.spec = spec;
        this.buf = new byte[Math.max(256, spec.maxLength() * 2)];
    }

    @Override
    public void accept(byte[] in, int length, Consumer<byte[]> frames, BiConsumer<String, byte[]> rejects) {
        if (size + length > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + length));
        }
        System.arraycopy(in, 0, buf, size, length);
        size += length;
        int pos = 0;
        while (pos < size) {
            int start = findStart(pos);
            skipped += start - pos;
            pos = start;
            if (size - pos < spec.start().length) {
                break; // a start cut off at the end: wait for more bytes
            }
            int total = packetLength(pos);
            if (total == 0) {
                break; // the length field has not arrived yet
            }
            if (total < spec.start().length || total > spec.maxLength()) {
                rejects.accept("bad-length", sample(pos, Math.min(size - pos, 16)));
                pos++;
                continue;
            }
            if (size - pos < total) {
                break;
            }
            byte[] packet = Arrays.copyOfRange(buf, pos, pos + total);
            String problem = problem(packet);
            if (problem != null) {
                rejects.accept(problem, packet);
                pos++;
                continue;
            }
            if (skipped > 0) {
                rejects.accept("skipped-bytes", sample(pos - Math.min(skipped, pos), Math.min(skipped, Math.min(pos, 16))));
                skipped = 0;
            }
            frames.accept(packet);
            pos += total;
        }
        System.arraycopy(buf, pos, buf, 0, size - pos);
        size -= pos;
    }

    /** The first index at or after {@code from} where the start bytes begin (or may begin, at the end). */
    private int findStart(int from) {
        byte[] start = spec.start();
        outer:
        for (int i = from; i < size; i++) {
            for (int j = 0; j < start.length && i + j < size; j++) {
                if (buf[i + j] != start[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return size;
    }

    /** The packet's total length, or 0 if its length field is not complete yet. */
    private int packetLength(int pos) {
        if (spec.fixedLength() > 0) {
            return spec.fixedLength();
        }
        int fieldEnd = pos + spec.lengthOffset() + spec.lengthSize();
        if (fieldEnd > size) {
            return 0;
        }
        int value = 0;
        for (int i = pos + spec.lengthOffset(); i < fieldEnd; i++) {
            value = (value << 8) | (buf[i] & 0xff);
        }
        return value + spec.lengthAdd();
    }

    private String problem(byte[] packet) {
        byte[] trailer = spec.trailer();
        for (int i = 0; i < trailer.length; i++) {
            if (packet[packet.length - trailer.length + i] != trailer[i]) {
                return "bad-trailer";
            }
        }
        if (spec.checksum() != null && !spec.checksum().matches(packet)) {
            return "bad-checksum";
        }
        return null;
    }

    private byte[] sample(int from, int length) {
        return Arrays.copyOfRange(buf, from, from + length);
    }

    @Override
    public void reset() {
        size = 0;
        skipped = 0;
    }
}
