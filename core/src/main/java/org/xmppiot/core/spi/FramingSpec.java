package org.xmppiot.core.spi;

import java.util.Objects;

/** How a driver cuts a byte stream into frames: lines of text, or binary packets. */
public sealed interface FramingSpec permits FramingSpec.Lines, FramingSpec.Binary {

    /** Text lines ending in {@code delimiter}; a longer line than {@code maxLength} is dropped and counted. */
    record Lines(byte[] delimiter, int maxLength) implements FramingSpec {
        public Lines {
            if (delimiter.length == 0 || maxLength < 1) {
                throw new IllegalArgumentException("a line framing needs a delimiter and a positive maximum length");
            }
            delimiter = delimiter.clone();
        }
    }

    /**
     * Binary packets: they begin with {@code start}; their total length is {@code fixedLength}, or read
     * from a big-endian field of {@code lengthSize} bytes at {@code lengthOffset} plus {@code lengthAdd};
     * they may end with {@code trailer}; and may carry a {@link Checksum}.
     */
    record Binary(byte[] start, int fixedLength, int lengthOffset, int lengthSize, int lengthAdd, int maxLength,
                  byte[] trailer, Checksum checksum) implements FramingSpec {
        public Binary {
            if (start.length == 0) {
                throw new IllegalArgumentException("a binary framing needs start bytes to find packets by");
            }
            if (fixedLength <= 0 && (lengthSize < 1 || lengthSize > 2)) {
                throw new IllegalArgumentException("a binary framing needs a fixed length or a 1- or 2-byte length field");
            }
            start = start.clone();
            trailer = trailer == null ? new byte[0] : trailer.clone();
        }

        public static Binary fixed(byte[] start, int length, byte[] trailer, Checksum checksum) {
            return new Binary(start, length, 0, 0, 0, length, trailer, checksum);
        }
    }

    /**
     * A checksum over bytes {@code from} (inclusive) to {@code length - fromEnd} (exclusive), stored
     * right after them in {@code size} bytes, big-endian.
     */
    record Checksum(Kind kind, int from, int fromEnd, int size) {
        public enum Kind {
            /** The sum of the bytes, cut to {@code size} bytes. */
            SUM,
            /** The two's complement of the sum (so that data plus checksum sums to zero). */
            NEGATED_SUM
        }

        public Checksum {
            Objects.requireNonNull(kind, "kind");
            if (size < 1 || size > 2 || from < 0 || fromEnd < size) {
                throw new IllegalArgumentException("bad checksum layout");
            }
        }

        /** True when the packet's stored checksum matches its bytes. */
        public boolean matches(byte[] packet) {
            int end = packet.length - fromEnd;
            if (from > end || end + size > packet.length) {
                return false;
            }
            long sum = 0;
            for (int i = from; i < end; i++) {
                sum += packet[i] & 0xff;
            }
            long mask = size == 1 ? 0xff : 0xffff;
            long expected = (kind == Kind.SUM ? sum : -sum) & mask;
            long stored = size == 1 ? packet[end] & 0xff : ((packet[end] & 0xff) << 8) | (packet[end + 1] & 0xff);
            return expected == stored;
        }
    }
}
