package org.xmppiot.drivers.serial;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.xmppiot.core.spi.FramingSpec;

class BinaryFramerTest {

    /** SDS011 layout: AA C0, six data bytes, the low byte of their sum, AB. */
    private static final FramingSpec.Binary FIXED = FramingSpec.Binary.fixed(new byte[] {(byte) 0xAA, (byte) 0xC0}, 10,
            new byte[] {(byte) 0xAB}, new FramingSpec.Checksum(FramingSpec.Checksum.Kind.SUM, 2, 2, 1));

    /** PMS5003 layout: 42 4D, a 16-bit length of what follows it, a 16-bit sum of all bytes before the sum. */
    private static final FramingSpec.Binary BY_LENGTH = new FramingSpec.Binary(new byte[] {0x42, 0x4D}, 0, 2, 2, 4, 64, null,
            new FramingSpec.Checksum(FramingSpec.Checksum.Kind.SUM, 0, 2, 2));

    private static byte[] fixedPacket(int seed) {
        byte[] p = {(byte) 0xAA, (byte) 0xC0, (byte) seed, (byte) (seed >> 8), 3, 4, 5, 6, 0, (byte) 0xAB};
        int sum = 0;
        for (int i = 2; i < 8; i++) {
            sum += p[i] & 0xff;
        }
        p[8] = (byte) sum;
        return p;
    }

    private static byte[] lengthPacket(int dataBytes, int seed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x42);
        out.write(0x4D);
        out.write(0);
        out.write(dataBytes + 2);
        for (int i = 0; i < dataBytes; i++) {
            out.write(seed + i);
        }
        int sum = 0;
        for (byte b : out.toByteArray()) {
            sum += b & 0xff;
        }
        out.write(sum >> 8);
        out.write(sum);
        return out.toByteArray();
    }

    private record Result(List<byte[]> frames, Map<String, Integer> rejects) {
    }

    /** Feeds the stream in pieces of random sizes, as a serial port delivers it. */
    private static Result run(FramingSpec.Binary spec, byte[] stream, long seed) {
        BinaryFramer framer = new BinaryFramer(spec);
        List<byte[]> frames = new ArrayList<>();
        Map<String, Integer> rejects = new TreeMap<>();
        Random random = new Random(seed);
        int pos = 0;
        while (pos < stream.length) {
            int n = Math.min(stream.length - pos, 1 + random.nextInt(40));
            byte[] piece = java.util.Arrays.copyOfRange(stream, pos, pos + n);
            framer.accept(piece, n, frames::add, (kind, sample) -> rejects.merge(kind, 1, Integer::sum));
            pos += n;
        }
        return new Result(frames, rejects);
    }

    @Test
    void packetsSplitAcrossReadsAreJoined() {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        for (int i = 0; i < 50; i++) {
            s.writeBytes(fixedPacket(i));
            s.writeBytes(lengthPacket(0, 0)); // foreign bytes for this framing: skipped
        }
        Result r = run(FIXED, s.toByteArray(), 1);
        assertThat(r.frames()).hasSize(50);
        for (int i = 0; i < 50; i++) {
            assertThat(r.frames().get(i)).isEqualTo(fixedPacket(i));
        }
    }

    @Test
    void aBadChecksumOrTrailerLosesOnlyThatPacket() {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        byte[] badSum = fixedPacket(7);
        badSum[8]++;
        byte[] badTail = fixedPacket(8);
        badTail[9] = 0x00;
        s.writeBytes(fixedPacket(1));
        s.writeBytes(badSum);
        s.writeBytes(fixedPacket(2));
        s.writeBytes(badTail);
        s.writeBytes(fixedPacket(3));
        Result r = run(FIXED, s.toByteArray(), 2);
        assertThat(r.frames()).extracting(f -> (int) f[2]).containsExactly(1, 2, 3);
        assertThat(r.rejects()).containsEntry("bad-checksum", 1).containsEntry("bad-trailer", 1);
    }

    @Test
    void startBytesInsideGarbageDoNotSwallowTheNextRealPacket() {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        Random random = new Random(3);
        int sent = 0;
        for (int i = 0; i < 300; i++) {
            byte[] garbage = new byte[random.nextInt(30)];
            random.nextBytes(garbage);
            s.writeBytes(garbage);
            // A false start right before a real packet: 42 4D with a length that runs into it.
            s.writeBytes(new byte[] {0x42, 0x4D, 0x00, 0x08, 0x11});
            s.writeBytes(lengthPacket(1 + random.nextInt(20), i));
            sent++;
        }
        Result r = run(BY_LENGTH, s.toByteArray(), 4);
        assertThat(r.frames()).hasSize(sent);
        assertThat(r.rejects()).containsKey("bad-checksum");
    }

    @Test
    void anImpossibleLengthIsRejectedNotWaitedFor() {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(new byte[] {0x42, 0x4D, 0x7F, (byte) 0xFF});
        s.writeBytes(lengthPacket(4, 9));
        Result r = run(BY_LENGTH, s.toByteArray(), 5);
        assertThat(r.frames()).hasSize(1);
        assertThat(r.rejects()).containsEntry("bad-length", 1);
    }
}
