package org.xmppiot.gateway.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

import org.xmppiot.core.config.Secret;

/**
 * What a request must be before any page is built: a GET or HEAD without a body, a short path, small headers and,
 * when a password is set, the right basic credentials. An address that sends wrong credentials five times within
 * five minutes is answered 429 until those minutes are over (asking without credentials is no failure). Refusals are counted by reason.
 */
final class RequestGuard {

    /** Why a request was refused, with its HTTP status; null from {@link #check} when it may go on. */
    record Refusal(int status, String reason, String message) {
    }

    static final int MAX_TARGET = 2048;
    static final int MAX_HEADER_BYTES = 16 * 1024;
    static final int MAX_FAILURES = 5;
    static final long FAILURE_WINDOW_MS = 5 * 60_000;
    private static final int MAX_TRACKED_ADDRESSES = 1000;

    private final String user;
    private final Secret password;
    private final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();
    /** Per client address: failures in the current window and when it began. Bounded: the oldest address is forgotten. */
    private final Map<String, long[]> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > MAX_TRACKED_ADDRESSES;
        }
    };

    RequestGuard(String user, Secret password) {
        this.user = user;
        this.password = password;
    }

    /** {@code target}: the path and query as sent; {@code address}: the client's IP address. */
    Refusal check(String method, String target, HttpFields headers, String address) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return refuse(405, "method", "only GET and HEAD are served");
        }
        if (target.length() > MAX_TARGET) {
            return refuse(414, "too-long", "the request target is longer than " + MAX_TARGET + " characters");
        }
        long headerBytes = 0;
        for (HttpField h : headers) {
            headerBytes += h.getName().length() + h.getValue().length() + 4;
        }
        if (headerBytes > MAX_HEADER_BYTES) {
            return refuse(431, "too-large", "the request's headers are larger than " + MAX_HEADER_BYTES + " bytes");
        }
        String length = headers.get(HttpHeader.CONTENT_LENGTH);
        if (headers.contains(HttpHeader.TRANSFER_ENCODING) || (length != null && !length.trim().equals("0"))) {
            return refuse(413, "too-large", "requests carry no body here");
        }
        return password == null ? null : authorise(headers.get(HttpHeader.AUTHORIZATION), address);
    }

    private Refusal authorise(String credentials, String address) {
        long now = System.currentTimeMillis();
        synchronized (failures) {
            long[] f = failures.get(address);
            if (f != null && now - f[1] < FAILURE_WINDOW_MS && f[0] >= MAX_FAILURES) {
                return refuse(429, "too-many-failures", "too many wrong passwords from " + address + "; try again later");
            }
        }
        if (credentials == null) {
            // A browser asks first without credentials; only wrong ones count as failures.
            return refuse(401, "unauthorised", "this page needs the gateway's user and password");
        }
        if (credentialsMatch(credentials)) {
            return null;
        }
        synchronized (failures) {
            long[] f = failures.get(address);
            if (f == null || now - f[1] >= FAILURE_WINDOW_MS) {
                f = new long[] {0, now};
                failures.put(address, f);
            }
            f[0]++;
        }
        return refuse(401, "unauthorised", "this page needs the gateway's user and password");
    }

    private boolean credentialsMatch(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(header.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] expected = (user + ":" + password.reveal()).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, expected);
    }

    Refusal refuse(int status, String reason, String message) {
        refused.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
        return new Refusal(status, reason, message);
    }

    /**
     * Requests refused so far, by reason (method, too-long, too-large, unauthorised, too-many-failures, not-found), and
     * connections closed at once because their address held too many (too-many-connections).
     */
    Map<String, AtomicLong> refused() {
        return refused;
    }
}
