package org.xmppiot.gateway.xmpp;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.sm.predicates.AfterXStanzas;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.gateway.config.XmppConfig;

/**
 * The gateway's one XMPP client connection. Keeps it up: connects, logs in, runs the session
 * listeners, watches that the server still answers ({@link SessionLiveness}), and after any failure
 * tries again with exponential backoff and jitter, logging one clear sentence per failure.
 */
public final class XmppUplink implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(XmppUplink.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    /**
     * Stanzas sent between two requests for the server's count of what it received (XEP-0198 {@code <r/>}). Smack asks
     * after every 5 (and every message); the count only lets Smack forget its copies of stanzas the server has, kept
     * for a resumed stream, while the publisher's items are confirmed by their own answers; each request costs the
     * server an answer and us a read of it. At 32, Smack keeps at most a few hundred kilobytes of copies.
     */
    static final int STANZAS_PER_ACK_REQUEST = 32;

    private final XmppConfig config;
    private final List<SessionListener> listeners;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Thread thread;
    private final ScheduledExecutorService livenessChecks;
    private GuardedTcpConnection connection;
    private volatile StrangerReplies strangers;
    private SessionLiveness liveness;
    /** The index in the targets of the server the session runs to. */
    private int currentTarget;
    /** A session the network dropped that the server may still resume (XEP-0198), and its target; null when none. */
    private GuardedTcpConnection resumable;
    private int resumableTarget;
    private long resumptions;
    private boolean announced;
    private boolean ready;
    private boolean closed;
    private String lastFailure;
    private long sessions;
    private java.time.Instant connectedSince;

    public XmppUplink(XmppConfig config, List<SessionListener> listeners) {
        this.config = config;
        this.listeners = List.copyOf(listeners);
        this.thread = new Thread(this::run, "xmpp-uplink");
        this.thread.setDaemon(true);
        this.livenessChecks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "xmpp-liveness");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        thread.start();
    }

    /** The connection once logged in and set up, waiting at most {@code timeout}; null if not ready by then. */
    public GuardedTcpConnection awaitReady(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (!ready && !closed) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return ready ? connection : null;
        } finally {
            lock.unlock();
        }
    }

    /** The current session for features to send on, or null while there is none. */
    public Session session() {
        lock.lock();
        try {
            return ready ? new SmackSession(connection) : null;
        } finally {
            lock.unlock();
        }
    }

    /** Replies to strangers on every session are rationed by {@code limits} (set before {@link #start}). */
    public void limitRepliesToStrangers(StrangerReplies limits) {
        this.strangers = limits;
    }

    public boolean isReady() {
        lock.lock();
        try {
            return ready;
        } finally {
            lock.unlock();
        }
    }

    /** How many sessions have been set up since start: 1 while the first one lasts, one more after each reconnect. */
    public long sessions() {
        lock.lock();
        try {
            return sessions;
        } finally {
            lock.unlock();
        }
    }

    /** The server address the current session runs to ("127.0.0.1:5222"); null while there is none. */
    public String connectedTo() {
        lock.lock();
        try {
            return ready && connection != null ? address(connection) : null;
        } finally {
            lock.unlock();
        }
    }

    /** When the current session was set up; null while there is none. */
    public java.time.Instant connectedSince() {
        lock.lock();
        try {
            return ready ? connectedSince : null;
        } finally {
            lock.unlock();
        }
    }

    /** The sentence describing the last failed attempt, or null after a successful one. */
    public String lastFailure() {
        lock.lock();
        try {
            return lastFailure;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        Duration delay = FIRST_RETRY;
        List<XmppConfig.Server> targets = config.targets();
        int next = 0; // the target to try next
        int failedInARow = 0;
        int connectedTo = -1;
        while (true) {
            lock.lock();
            try {
                while (ready && !closed) {
                    changed.awaitUninterruptibly();
                }
                if (closed) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            GuardedTcpConnection dropped = takeResumable();
            if (dropped != null) {
                int target = resumableTarget;
                String failure;
                try {
                    failure = resume(dropped, target);
                } catch (InterruptedException e) {
                    return;
                }
                if (failure == null) {
                    delay = FIRST_RETRY;
                    connectedTo = target;
                    failedInARow = 0;
                    continue;
                }
                if (targets.size() <= 1 && hasResumable()) {
                    // Only this server: wait for it to take the stream back rather than start a new session beside it.
                    Duration wait = withJitter(delay);
                    log.warn("{} Resuming the session in {} s.", failure, Math.max(1, wait.toSeconds()));
                    if (!sleep(wait)) {
                        return;
                    }
                    delay = delay.multipliedBy(2).compareTo(config.reconnectMaxDelay()) > 0 ? config.reconnectMaxDelay() : delay.multipliedBy(2);
                    continue;
                }
            }
            if (connectedTo >= 0) {
                // The session was lost: another server of the service first, at once.
                next = targets.size() > 1 ? (connectedTo + 1) % targets.size() : 0;
                connectedTo = -1;
                failedInARow = 0;
            }
            XmppConfig attempt = targets.size() > 1 ? config.withTarget(targets.get(next)) : config;
            GuardedTcpConnection c = null;
            try {
                c = XmppConnectionFactory.create(attempt);
                if (!announced) {
                    // The first attempt may take up to connect-timeout against a server that accepts and never answers.
                    announced = true;
                    log.info("xmpp connecting to {} as {} (up to {} s) ...", attempt.server() == null ? "the servers of " + attempt.domain()
                            : attempt.server() + ":" + attempt.port(), attempt.jid(), attempt.connectTimeout().toSeconds());
                }
                // Stream management with resumption, where the server offers it: a dropped session is resumed, not restarted.
                c.setUseStreamManagementResumption(true);
                c.addRequestAckPredicate(new AfterXStanzas(STANZAS_PER_ACK_REQUEST));
                // Where the server no longer knows a dropped stream, Smack would send what it had not acked on a fresh
                // session bound on the old connection, which the uplink then closes; the publisher sends its unconfirmed
                // items on the next session instead (same ids), so Smack's copies are only dropped.
                c.addStanzaDroppedListener(s -> log.debug("not resent after a failed resumption: {}", s));
                c.addConnectionListener(new LossListener(c));
                c.connect();
                c.login();
                if (strangers != null) {
                    c.limitRepliesToStrangers(strangers);
                }
                Session session = new SmackSession(c);
                for (SessionListener l : listeners) {
                    l.sessionStarted(session);
                }
                if (!publishReady(c, next)) {
                    disconnectQuietly(c);
                    return;
                }
                log.info("xmpp connected jid={} server={} tls={}", c.getUser(), c.getXMPPServiceDomain() + " (" + c.getHost().replaceFirst("^/", "") + ":" + c.getPort() + ")",
                        c.isSecureConnection() ? "on" : "off");
                delay = FIRST_RETRY;
                connectedTo = next;
                failedInARow = 0;
            } catch (InterruptedException e) {
                disconnectQuietly(c);
                return;
            } catch (Exception e) {
                disconnectQuietly(c);
                String sentence = XmppFailures.describe(e, attempt);
                lock.lock();
                try {
                    lastFailure = sentence;
                } finally {
                    lock.unlock();
                }
                log.debug("xmpp connection failure", e);
                failedInARow++;
                if (targets.size() > 1 && failedInARow < targets.size()) {
                    next = (next + 1) % targets.size();
                    log.warn("{} Trying {} at once.", sentence, targets.get(next));
                    continue;
                }
                // Every server was tried once: wait before the next round, starting again from the next one.
                failedInARow = 0;
                next = targets.size() > 1 ? (next + 1) % targets.size() : 0;
                Duration wait = withJitter(delay);
                log.warn("{} Retrying in {} s.", sentence, Math.max(1, wait.toSeconds()));
                if (!sleep(wait)) {
                    return;
                }
                delay = delay.multipliedBy(2).compareTo(config.reconnectMaxDelay()) > 0 ? config.reconnectMaxDelay() : delay.multipliedBy(2);
            }
        }
    }

    private GuardedTcpConnection takeResumable() {
        lock.lock();
        try {
            GuardedTcpConnection c = resumable;
            resumable = null;
            return c;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Resumes a dropped session on the same connection (XEP-0198): the server keeps it for a while, and then nothing is
     * logged in afresh, the features' state stays, and of what was sent only what the server had not received goes
     * again (Smack resends it; the server resends our answers). Null when resumed; otherwise why not: the sentence
     * when the server is not reachable yet (the session stays resumable for the next round), "" when the stream can
     * no longer be resumed.
     */
    private String resume(GuardedTcpConnection old, int target) throws InterruptedException {
        if (!old.isDisconnectedButSmResumptionPossible()) {
            return "";
        }
        List<XmppConfig.Server> targets = config.targets();
        try {
            old.connect();
            old.login();
        } catch (InterruptedException e) {
            disconnectQuietly(old);
            throw e;
        } catch (Exception e) {
            log.debug("no stream resumption with {} yet", address(old), e);
            String sentence = XmppFailures.describe(e, targets.size() > 1 ? config.withTarget(targets.get(target)) : config);
            lock.lock();
            try {
                lastFailure = sentence;
                // With other servers to go to, the loop moves on at once; the kept stream is then of no more use.
                if (!closed && targets.size() <= 1 && old.isDisconnectedButSmResumptionPossible()) {
                    resumable = old;
                    resumableTarget = target;
                }
            } finally {
                lock.unlock();
            }
            return sentence;
        }
        if (!old.streamWasResumed()) {
            // The server no longer knew the stream (it restarted), and Smack bound a fresh session on the old connection,
            // whose listeners belong to the old one: it is cut at once (a closing handshake on it can hang for the reply
            // timeout), and a new session starts from scratch; its resource replaces this one on the server.
            log.info("{} no longer knows the session; starting a new one", address(old));
            old.instantShutdown();
            return "";
        }
        lock.lock();
        try {
            if (closed) {
                disconnectQuietly(old);
                return "";
            }
            connection = old;
            currentTarget = target;
            liveness = new SessionLiveness(old, address(old), config.liveness(), livenessChecks, reason -> dead(old, reason));
            ready = true;
            resumptions++;
            connectedSince = java.time.Instant.now();
            lastFailure = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        log.info("xmpp session resumed with {} (stream management): nothing the server had received is sent again", address(old));
        return null;
    }

    private boolean hasResumable() {
        lock.lock();
        try {
            return resumable != null;
        } finally {
            lock.unlock();
        }
    }

    /** Sessions resumed after a drop (XEP-0198) since start; these are not counted as new sessions. */
    public long resumptions() {
        lock.lock();
        try {
            return resumptions;
        } finally {
            lock.unlock();
        }
    }

    /** Makes the session available to publishers; false when the uplink was closed meanwhile. */
    private boolean publishReady(GuardedTcpConnection c, int target) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            connection = c;
            currentTarget = target;
            resumable = null;
            GuardedTcpConnection watched = c;
            liveness = new SessionLiveness(c, address(c), config.liveness(), livenessChecks, reason -> dead(watched, reason));
            ready = true;
            sessions++;
            connectedSince = java.time.Instant.now();
            lastFailure = null;
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Many gateways restarting together must not reconnect in lockstep: spread each wait by up to +-25 %. */
    private static Duration withJitter(Duration d) {
        double factor = 0.75 + ThreadLocalRandom.current().nextDouble() * 0.5;
        return Duration.ofMillis((long) (d.toMillis() * factor));
    }

    private boolean sleep(Duration d) {
        lock.lock();
        try {
            long nanos = d.toNanos();
            while (!closed && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            return !closed;
        } catch (InterruptedException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    private static void disconnectQuietly(GuardedTcpConnection c) {
        if (c != null) {
            try {
                c.disconnect();
            } catch (RuntimeException ignored) {
                // Already broken; nothing more to free.
            }
        }
    }

    /** The server " host:port" of a connection, as the log and the page name it. */
    private static String address(GuardedTcpConnection c) {
        return c.getHost().replaceFirst("^.*/", "") + ":" + c.getPort();
    }

    /**
     * Ends a session that {@link SessionLiveness} found silent: Smack still believes it is up, so it is shut
     * down at once (without the closing handshake a dead link would hold up) and the loop fails over.
     */
    private void dead(GuardedTcpConnection c, String reason) {
        if (lost(c, reason, false)) {
            Thread t = new Thread(c::instantShutdown, "xmpp-shutdown");
            t.setDaemon(true);
            t.start();
        }
    }

    /**
     * Marks {@code owner}'s session lost, so the loop reconnects (first resuming it, when {@code mayResume}: not after a
     * dead link, where waiting for it would only delay the next server); false when it is not the current one (any more).
     */
    private boolean lost(GuardedTcpConnection owner, String reason, boolean mayResume) {
        String next;
        lock.lock();
        try {
            if (connection != owner || closed) {
                return false;
            }
            ready = false;
            connection = null;
            closeLiveness();
            lastFailure = reason;
            resumable = mayResume ? owner : null;
            resumableTarget = currentTarget;
            List<XmppConfig.Server> targets = config.targets();
            next = targets.size() > 1 ? "Trying " + targets.get((currentTarget + 1) % targets.size()) + "." : "Reconnecting.";
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        log.warn("{} {}", reason, next);
        return true;
    }

    private void closeLiveness() {
        if (liveness != null) {
            liveness.close();
            liveness = null;
        }
    }

    /** Marks the session lost when the server or network drops it, so the loop reconnects. */
    private final class LossListener implements ConnectionListener {
        private final GuardedTcpConnection owner;

        LossListener(GuardedTcpConnection owner) {
            this.owner = owner;
        }

        @Override
        public void connectionClosedOnError(Exception e) {
            lost(XmppFailures.describe(e, config));
        }

        /**
         * Also a loss: a server that shuts down cleanly ends the stream, and Smack reports that as a
         * normal close. Only a close of a session we no longer hold (our own disconnect) is ignored.
         */
        @Override
        public void connectionClosed() {
            lost("The server " + config.domain() + " ended the session.");
        }

        private void lost(String reason) {
            XmppUplink.this.lost(owner, reason, true);
        }

        @Override
        public void connected(XMPPConnection c) {
        }

        @Override
        public void authenticated(XMPPConnection c, boolean resumed) {
        }
    }

    @Override
    public void close() {
        GuardedTcpConnection c;
        lock.lock();
        try {
            closed = true;
            ready = false;
            c = connection;
            connection = null;
            resumable = null;
            closeLiveness();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        disconnectQuietly(c);
        livenessChecks.shutdownNow();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
