package org.xmppiot.gateway.update;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Supplier;

import org.jxmpp.jid.BareJid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.xmppiot.gateway.access.AccessPolicy;
import org.xmppiot.gateway.feature.Updates;
import org.xmppiot.gateway.health.Health;
import org.xmppiot.gateway.xmpp.Session;
import org.xmppiot.gateway.xmpp.SessionListener;

/**
 * The gateway's side of its updates: passes an owner's request to the update helper, tells the helper once this process
 * is connected and publishing (the health gate of an update), and tells the owners by chat and in the fleet status how
 * an update went, once each. It looks at the shared directory every second only while there is something to wait for:
 * the first publish after a start, a request not yet taken, an update under way.
 */
public final class UpdateReports implements Updates, SessionListener, AutoCloseable {

    /** How long one watch lasts at most: far beyond the helper's own bound for an update. */
    private static final Duration WATCH = Duration.ofMinutes(30);
    private static final Logger log = LoggerFactory.getLogger(UpdateReports.class);

    private final UpdateDirectory dir;
    private final AccessPolicy access;
    private final Supplier<Health> health;
    private final Runnable statusChanged;
    private volatile Session session;
    private volatile boolean healthyWritten;
    private volatile boolean closed;
    private Thread watcher;

    /** {@code statusChanged} is told when an update's outcome changes what the gateway's status says. */
    public UpdateReports(UpdateDirectory dir, AccessPolicy access, Supplier<Health> health, Runnable statusChanged) {
        this.dir = dir;
        this.access = access;
        this.health = health;
        this.statusChanged = statusChanged;
    }

    @Override
    public String request(String version, String requester) {
        String problem = dir.request(version, requester);
        if (problem == null) {
            watch();
        }
        return problem;
    }

    /** How the last update went, as the helper wrote it (null when there was none). */
    public Health.Update lastResult() {
        return dir.lastResult();
    }

    @Override
    public void sessionStarted(Session started) {
        session = started;
        if (dir.exists()) {
            watch();
        }
    }

    /** Healthy: connected, and a reading confirmed by the server (or no thing to publish for). */
    static boolean healthy(Health h) {
        return h.connection().connected() && (h.publishing().published() > 0 || h.things().isEmpty());
    }

    private synchronized void watch() {
        if (closed || watcher != null && watcher.isAlive()) {
            return;
        }
        watcher = new Thread(this::watchUntilSettled, "update-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private void watchUntilSettled() {
        long deadline = System.nanoTime() + WATCH.toNanos();
        try {
            while (!closed && System.nanoTime() < deadline) {
                if (!healthyWritten && healthy(health.get())) {
                    dir.healthy();
                    healthyWritten = true;
                    log.info("connected and publishing: told the update helper ({})", dir.path().resolve("healthy"));
                }
                Health.Update last = dir.lastResult();
                if (last != null && last.finished() && !last.id().equals(dir.told()) && tellOwners(last)) {
                    dir.told(last.id());
                    statusChanged.run();
                }
                boolean waiting = dir.requested() || last != null && !last.finished();
                if (healthyWritten && !waiting) {
                    return;
                }
                Thread.sleep(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            log.warn("the update directory {} cannot be written ({}): an update now would be rolled back; give it back to the"
                    + " service's user (the package's postinst makes it)", dir.path(), e.getMessage());
        }
    }

    /** Sends the outcome to every owner; false while there is no session to send it on. */
    private boolean tellOwners(Health.Update last) throws InterruptedException {
        Session s = session;
        if (s == null || !s.smack().isAuthenticated()) {
            return false;
        }
        for (BareJid owner : access.owners()) {
            s.chat(owner, "Update: " + last.text());
        }
        log.info("update {}: {}", last.id(), last.text());
        return true;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (watcher != null) {
            watcher.interrupt();
        }
    }
}
