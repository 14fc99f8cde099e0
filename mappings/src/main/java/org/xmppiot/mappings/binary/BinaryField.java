package org.xmppiot.mappings.binary;

import java.math.BigDecimal;

import org.xmppiot.core.model.Field;
import org.xmppiot.core.spi.FrameRejectedException;
import org.xmppiot.mappings.rules.FieldRule;

/** A number at a fixed place in a binary frame: position of its first byte, width in bytes, byte order, sign. */
public record BinaryField(FieldRule rule, int position, int width, boolean bigEndian, boolean signed) {

    public BinaryField {
        if (width != 1 && width != 2 && width != 4) {
            throw new IllegalArgumentException("width must be 1, 2 or 4 bytes");
        }
    }

    public Field read(byte[] frame) throws FrameRejectedException {
        if (position + width > frame.length) {
            throw new FrameRejectedException("short-frame", "field '" + rule.name() + "' needs bytes " + position + ".."
                    + (position + width - 1) + " but the frame has " + frame.length);
        }
        long value = 0;
        for (int i = 0; i < width; i++) {
            int b = frame[position + (bigEndian ? i : width - 1 - i)] & 0xff;
            value = (value << 8) | b;
        }
        if (signed) {
            int shift = 64 - 8 * width;
            value = (value << shift) >> shift;
        }
        return rule.apply(BigDecimal.valueOf(value));
    }
}
