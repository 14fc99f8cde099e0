package org.xmppiot.core.spi;

import java.time.Duration;

/**
 * How to ask a device that only answers when asked: send {@code request} every {@code interval},
 * wait {@code timeout} for the answer, and ask again up to {@code retries} times before giving up.
 */
public record Poll(byte[] request, Duration interval, Duration timeout, int retries) {

    public Poll {
        if (request.length == 0 || interval.isNegative() || interval.isZero() || timeout.isNegative() || retries < 0) {
            throw new IllegalArgumentException("a poll needs a request, a positive interval and a timeout");
        }
        request = request.clone();
    }

    @Override
    public byte[] request() {
        return request.clone();
    }

    public Poll withInterval(Duration other) {
        return new Poll(request, other, timeout, retries);
    }
}
