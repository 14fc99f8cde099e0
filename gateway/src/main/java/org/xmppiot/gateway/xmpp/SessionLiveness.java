package org.xmppiot.gateway.xmpp;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smackx.ping.packet.Ping;
import org.xmppiot.gateway.config.XmppConfig;

/**
 * Notices a session that went silent while TCP still says it is up: a half-open link after a NAT timeout or a
 * Wi-Fi roam, a frozen server. TCP alone never tells (nothing is written to a dead peer until the send buffer
 * fills, and nothing is read from it ever), so the server is pinged (XEP-0199) when it has said nothing for
 * {@code keepalive}, or for {@code stall-after} while something we sent waits for an answer; a ping without an
 * answer within {@code ping-timeout} declares the session dead. Any answer, an error too, is a sign of life. An
 * idle gateway thus sends one small ping a minute, a busy one none (the server's answers are the sign). The same check
 * answers a stream-management ack request the server made while the gateway had nothing to send.
 */
final class SessionLiveness implements AutoCloseable {

    private final GuardedTcpConnection connection;
    private final XmppConfig.Liveness settings;
    private final String server;
    private final Consumer<String> onDead;
    private final long started = System.currentTimeMillis();
    private final ScheduledFuture<?> task;
    private volatile long lastSent;
    private volatile boolean pinging;
    private volatile boolean closed;
    private final org.jivesoftware.smack.StanzaListener sent = s -> lastSent = System.currentTimeMillis();

    /**
     * Watches {@code connection} (to {@code server}) on {@code scheduler}; {@code onDead} gets the sentence once.
     * Smack 4.4 deprecates stanza interceptors in favour of message and presence ones, but only they see every stanza
     * on the sending thread; a Smack without them needs another way to know when we last sent.
     */
    @SuppressWarnings("deprecation")
    SessionLiveness(GuardedTcpConnection connection, String server, XmppConfig.Liveness settings, ScheduledExecutorService scheduler,
            Consumer<String> onDead) {
        this.connection = connection;
        this.settings = settings;
        this.server = server;
        this.onDead = onDead;
        // An interceptor runs on the sending thread; a sending listener would cost a hand-off to a pooled thread per stanza.
        connection.addStanzaInterceptor(sent, s -> true);
        // Checked often enough that a stall is seen within a quarter of its bound, at most every 5 s.
        long period = Math.max(250, Math.min(5_000, Math.min(settings.stallAfter().toMillis(), settings.keepalive().toMillis()) / 4));
        task = scheduler.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    private void check() {
        if (closed) {
            return;
        }
        // A gateway that sends nothing answers the server's ack request here, not with its next stanza.
        connection.answerOwedAckRequest();
        if (pinging) {
            return;
        }
        long heard = Math.max(connection.getLastStanzaReceived(), started);
        long quiet = System.currentTimeMillis() - heard;
        boolean waiting = lastSent > heard;
        if (quiet >= settings.keepalive().toMillis() || waiting && quiet >= settings.stallAfter().toMillis()) {
            ping(quiet);
        }
    }

    private void ping(long quietMillis) {
        pinging = true;
        // Any answer, an error too, shows the server is there; no answer (or a connection Smack found closed) does not.
        connection.sendIqRequestAsync(new Ping(connection.getXMPPServiceDomain()), settings.pingTimeout().toMillis())
                .onSuccess(answer -> pinging = false)
                .onError(e -> {
                    pinging = false;
                    if (!(e instanceof XMPPErrorException)) {
                        dead(quietMillis + settings.pingTimeout().toMillis());
                    }
                });
    }

    private void dead(long silentMillis) {
        if (closed) {
            return;
        }
        close();
        onDead.accept("The server at " + server + " stopped answering for " + Math.round(silentMillis / 1000.0) + " s"
                + " (no answer to a ping within " + settings.pingTimeout().toSeconds() + " s).");
    }

    /** Stops watching; a resumed session on the same connection gets a watcher of its own. */
    @Override
    @SuppressWarnings("deprecation") // See the constructor.
    public void close() {
        closed = true;
        task.cancel(false);
        connection.removeStanzaInterceptor(sent);
    }
}
