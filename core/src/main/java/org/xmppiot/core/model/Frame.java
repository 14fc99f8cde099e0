package org.xmppiot.core.model;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/** One unit of data from a device as a driver cut it out of the byte stream: a line, a packet, an answer. */
public record Frame(String source, Instant receivedAt, byte[] bytes) {

    public Frame {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(receivedAt, "receivedAt");
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The frame as text. Bytes that are not UTF-8 become U+FFFD, so garbage stays visible as garbage. */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
