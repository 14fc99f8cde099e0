package org.xmppiot.gateway.http;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.xmppiot.gateway.feature.LoginConfirmer;

/**
 * Logins to the page by XMPP account (XEP-0070): a login started from the page gets a short code to show and a secret
 * for the browser that started it (only that browser can collect the session); the account is asked to confirm, and a
 * confirmed login becomes a session for {@link #SESSION}. Strangers are asked nothing, but the page looks the same for
 * them until the confirmation times out, so it tells nobody which JIDs may log in. Requests are limited per JID and in
 * all, so the page cannot be used to flood anyone with requests.
 */
final class WebLogins {

    static final Duration SESSION = Duration.ofHours(12);
    static final int PER_JID = 3;
    static final int IN_ALL = 30;
    static final Duration WINDOW = Duration.ofMinutes(10);
    private static final String CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final int MAX_PENDING = 64;
    private static final int MAX_SESSIONS = 256;

    /** A login waiting for its confirmation. */
    record Pending(String jid, String code, String browserSecret, CompletableFuture<Boolean> outcome) {
    }

    /** A logged-in browser: whose it is, until when, and the token its forms must carry (against cross-site requests). */
    record Session(String jid, Instant expires, String formToken) {
    }

    /** What the page shows while it waits: pending, confirmed (with the new session's token), or not confirmed. */
    record State(String state, String token) {
    }

    private final LoginConfirmer confirmer;
    private final Duration timeout;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Pending> pending = bounded(MAX_PENDING);
    private final Map<String, Session> sessions = bounded(MAX_SESSIONS);
    private final Map<String, Deque<Instant>> attempts = bounded(1000);
    private final Deque<Instant> all = new ArrayDeque<>();

    WebLogins(LoginConfirmer confirmer, Duration timeout) {
        this.confirmer = confirmer;
        this.timeout = timeout;
    }

    /** Starts a login for {@code jid}; null when too many were asked for lately (that JID, or in all). */
    synchronized Pending start(String jid, String url) {
        String who = jid.strip().toLowerCase(Locale.ROOT);
        Instant now = Instant.now();
        Deque<Instant> mine = attempts.computeIfAbsent(who, k -> new ArrayDeque<>());
        for (Deque<Instant> d : new Deque[] {mine, all}) {
            while (!d.isEmpty() && d.peekFirst().isBefore(now.minus(WINDOW))) {
                d.pollFirst();
            }
        }
        if (mine.size() >= PER_JID || all.size() >= IN_ALL) {
            return null;
        }
        mine.addLast(now);
        all.addLast(now);
        String code = code();
        CompletableFuture<Boolean> outcome = confirmer != null && confirmer.mayLogIn(who)
                ? confirmer.confirm(who, code, "POST", url, timeout)
                // Nobody is asked; the page waits as long as for someone who does not answer.
                : new CompletableFuture<Boolean>().completeOnTimeout(false, timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        Pending p = new Pending(who, code, token(), outcome);
        pending.put(code, p);
        return p;
    }

    /** How the login {@code code} started by the browser with {@code browserSecret} stands; a confirmed one is collected once. */
    synchronized State state(String code, String browserSecret) {
        Pending p = code == null ? null : pending.get(code);
        if (p == null || browserSecret == null || !java.security.MessageDigest.isEqual(p.browserSecret().getBytes(), browserSecret.getBytes())) {
            return new State("unknown", null);
        }
        if (!p.outcome().isDone()) {
            return new State("pending", null);
        }
        pending.remove(code);
        if (!Boolean.TRUE.equals(p.outcome().getNow(false))) {
            return new State("not-confirmed", null);
        }
        String token = token();
        sessions.put(token, new Session(p.jid(), Instant.now().plus(SESSION), token()));
        return new State("confirmed", token);
    }

    /** The session of {@code token} while it lasts and its account may still read; null otherwise. */
    synchronized Session session(String token) {
        Session s = token == null ? null : sessions.get(token);
        if (s == null) {
            return null;
        }
        if (Instant.now().isAfter(s.expires()) || (confirmer != null && !confirmer.mayLogIn(s.jid()))) {
            sessions.remove(token);
            return null;
        }
        return s;
    }

    synchronized void logout(String token) {
        if (token != null) {
            sessions.remove(token);
        }
    }

    private String code() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            b.append(CODE_LETTERS.charAt(random.nextInt(CODE_LETTERS.length())));
        }
        return b.toString();
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static <K, V> Map<K, V> bounded(int max) {
        return new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        };
    }
}
