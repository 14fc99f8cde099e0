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
 * What a request must be before any page is built: a GET or HEAD without a body (a small form only to the login
 * pages, from the page's own origin), a short path, small headers and, when a password is set, the right basic
 * credentials or the session of a login by XMPP (XEP-0070, {@link WebLogins}). An address that sends wrong credentials
 * five times within five minutes is answered 429 until those minutes are over (asking without credentials is no
 * failure). Refusals are counted by reason.
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

    private final WebLogins logins;
    private final boolean asksWhoIsThere;

    /** {@code password} null: only logins by XMPP let anyone in (where {@code asksWhoIsThere}). */
    RequestGuard(String user, Secret password, WebLogins logins, boolean asksWhoIsThere) {
        this.user = user;
        this.password = password;
        this.logins = logins;
        this.asksWhoIsThere = asksWhoIsThere;
    }

    /** The cookie of a browser logged in by XMPP. */
    static final String SESSION_COOKIE = "xig_session";
    static final int MAX_FORM_BYTES = 1024;

    /**
     * {@code path}: the request's path; {@code target}: the path and query as sent; {@code address}: the client's IP
     * address. The login pages are open to all; everything else needs the basic password or a login's session.
     */
    Refusal check(String method, String path, String target, HttpFields headers, String address) {
        boolean form = path.equals("/login") || path.equals("/logout");
        boolean post = method.equals("POST");
        if (!method.equals("GET") && !method.equals("HEAD") && !(post && (form || path.equals("/set")))) {
            return refuse(405, "method", "only GET and HEAD are served" + (form ? ", and POST here" : ""));
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
        if (headers.contains(HttpHeader.TRANSFER_ENCODING) || (length != null && !length.trim().equals("0")
                && (!post || !length.trim().matches("\\d{1,4}") || Integer.parseInt(length.trim()) > MAX_FORM_BYTES))) {
            return refuse(413, "too-large", post ? "a form here is at most " + MAX_FORM_BYTES + " bytes" : "requests carry no body here");
        }
        if (post && crossSite(headers)) {
            return refuse(403, "cross-site", "a form sent from another site is refused");
        }
        if (form || path.equals("/login/wait")) {
            return null;
        }
        if (!asksWhoIsThere) {
            return null;
        }
        if (logins != null && logins.session(cookie(headers, SESSION_COOKIE)) != null) {
            return null;
        }
        return authorise(headers.get(HttpHeader.AUTHORIZATION), address);
    }

    /** A form posted from a page of another origin (a browser says where it comes from in Origin). */
    private static boolean crossSite(HttpFields headers) {
        String origin = headers.get(HttpHeader.ORIGIN);
        String host = headers.get(HttpHeader.HOST);
        if (origin == null) {
            return false;
        }
        String authority = origin.replaceFirst("^[a-z]+://", "");
        return host == null || !authority.equalsIgnoreCase(host);
    }

    /** The value of cookie {@code name}, or null. */
    static String cookie(HttpFields headers, String name) {
        for (String header : headers.getValuesList(HttpHeader.COOKIE)) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().equals(name)) {
                    return pair.substring(eq + 1).strip();
                }
            }
        }
        return null;
    }

    private Refusal authorise(String credentials, String address) {
        if (password == null) {
            return refuse(401, "unauthorised", "this page needs a login with an owner's or reader's XMPP account, at /login");
        }
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
