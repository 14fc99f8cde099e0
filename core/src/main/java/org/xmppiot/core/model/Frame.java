package org.xmppiot.core.model;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/** One unit of data from a device as a driver cut it out of the byte stream: a line, a packet, an answer. */
public record Frame(String source, Instant receivedAt, byte[] bytes) {

    public Frame {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(receivedAt, "receivedAt");
        // Arrays.copyOf, not clone(): the package's compiler (C1 alone) turns clone() into a call into the VM, which
        // cost a serial reading more than the copy itself.
        bytes = Arrays.copyOf(bytes, bytes.length);
    }

    @Override
    public byte[] bytes() {
        return Arrays.copyOf(bytes, bytes.length);
    }

    /** The frame as text. Bytes that are not UTF-8 become U+FFFD, so garbage stays visible as garbage. */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
