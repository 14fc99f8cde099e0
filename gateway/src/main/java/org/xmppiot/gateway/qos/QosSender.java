package org.xmppiot.gateway.qos;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jxmpp.jid.Jid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.gateway.xmpp.Session;

/**
 * Sends a payload to one address with a chosen {@link QosLevel}. Acknowledged and assured sends are
 * tried again, with growing pauses, until the receiver answers, the receiver says it cannot take them,
 * or {@code giveUpAfter} has passed; each outcome is counted. A receiver that is offline or a
 * connection that dropped is a reason to try again, not to give up.
 */
public final class QosSender implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QosSender.class);

    static {
        QosIqProvider.register();
    }
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final Supplier<Session> connection;
    private volatile Duration giveUpAfter;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "qos-sender");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong confirmed = new AtomicLong();
    private final AtomicLong repeated = new AtomicLong();
    private final AtomicLong givenUp = new AtomicLong();

    /** {@code connection} gives the current session, or null while there is none. */
    public QosSender(Supplier<Session> connection, Duration giveUpAfter) {
        this.connection = connection;
        this.giveUpAfter = giveUpAfter;
    }

    /** How long an unacknowledged event is tried from now on (a changed {@code observe.retry-for}). */
    public void giveUpAfter(Duration d) {
        giveUpAfter = d;
    }

    /**
     * Sends {@code payload} to {@code to}. The future completes with true once the level's promise is
     * kept (at once for unacknowledged, when sent), false when given up.
     */
    public CompletableFuture<Boolean> send(Jid to, ExtensionElement payload, QosLevel level, ExtensionElement... messageExtras) {
        CompletableFuture<Boolean> outcome = new CompletableFuture<>();
        switch (level) {
            case UNACKNOWLEDGED -> outcome.complete(sendMessage(to, payload, messageExtras));
            case ACKNOWLEDGED -> new Attempt(to, new QosIq(QosIq.ACKNOWLEDGED, null, payload), null, outcome).run();
            default -> {
                String msgId = UUID.randomUUID().toString();
                QosIq deliver = new QosIq(QosIq.DELIVER, msgId, null);
                new Attempt(to, new QosIq(QosIq.ASSURED, msgId, payload), deliver, outcome).run();
            }
        }
        return outcome;
    }

    /** At most once: a headline, which servers drop rather than store when the resource is gone. */
    private boolean sendMessage(Jid to, ExtensionElement payload, ExtensionElement... extras) {
        Session c = connection.get();
        if (c == null) {
            return false;
        }
        Message message = c.stanzas().buildMessageStanza().to(to).ofType(Message.Type.headline)
                .addExtension(payload).addExtensions(java.util.List.of(extras)).build();
        try {
            return c.send(message);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One IQ, sent until answered; on an answer, the next phase (assured's deliver) or done. */
    private final class Attempt implements Runnable {
        private final Jid to;
        private final QosIq request;
        private final QosIq next;
        private final CompletableFuture<Boolean> outcome;
        private final long deadline = System.nanoTime() + giveUpAfter.toNanos();
        private Duration pause = FIRST_RETRY;
        private boolean first = true;

        Attempt(Jid to, QosIq request, QosIq next, CompletableFuture<Boolean> outcome) {
            this.to = to;
            this.request = request;
            this.next = next;
            this.outcome = outcome;
        }

        @Override
        public void run() {
            if (outcome.isDone()) {
                return;
            }
            if (!first) {
                repeated.incrementAndGet();
            }
            first = false;
            Session c = connection.get();
            if (c == null) {
                retryLater("no session");
                return;
            }
            QosIq iq = copy(request);
            iq.setTo(to);
            iq.setType(IQ.Type.set);
            c.request(iq).whenComplete((result, error) -> {
                if (error == null) {
                    answered();
                } else {
                    failed(error instanceof Exception e ? e : new Exception(error));
                }
            });
        }

        private void answered() {
            if (next == null) {
                confirmed.incrementAndGet();
                outcome.complete(true);
            } else {
                new Attempt(to, next, null, outcome).run();
            }
        }

        private void failed(Exception e) {
            if (e instanceof XMPPException.XMPPErrorException x && !isTemporary(x.getStanzaError())) {
                giveUp("refused: " + x.getStanzaError().getCondition());
                return;
            }
            retryLater(e.getClass().getSimpleName());
        }

        private void retryLater(String why) {
            if (System.nanoTime() + pause.toNanos() > deadline) {
                giveUp("no answer within " + giveUpAfter.toSeconds() + " s (last: " + why + ")");
                return;
            }
            try {
                timer.schedule(this, pause.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                outcome.complete(false);
                return;
            }
            pause = pause.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : pause.multipliedBy(2);
        }

        private void giveUp(String why) {
            givenUp.incrementAndGet();
            log.warn("qos {} message to {} given up: {}", request.element(), to, why);
            outcome.complete(false);
        }
    }

    /** Offline or unreachable receivers come back; anything else the receiver means for good. */
    private static boolean isTemporary(StanzaError error) {
        StanzaError.Condition c = error.getCondition();
        return error.getType() == StanzaError.Type.WAIT || c == StanzaError.Condition.service_unavailable
                || c == StanzaError.Condition.recipient_unavailable || c == StanzaError.Condition.remote_server_timeout
                || c == StanzaError.Condition.remote_server_not_found;
    }

    /** An IQ can be sent only once (it gets an id); each attempt sends a fresh copy with the same content. */
    private static QosIq copy(QosIq iq) {
        return new QosIq(iq.element(), iq.msgId(), iq.payload());
    }

    /** Acknowledged and assured messages the receiver confirmed. */
    public long confirmed() {
        return confirmed.get();
    }

    /** Attempts after the first, over all messages. */
    public long repeated() {
        return repeated.get();
    }

    public long givenUp() {
        return givenUp.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
