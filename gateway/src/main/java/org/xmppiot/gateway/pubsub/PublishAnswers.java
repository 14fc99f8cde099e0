package org.xmppiot.gateway.pubsub;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.IQReplyFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.xmppiot.gateway.xmpp.GuardedTcpConnection;

/**
 * The answers to one session's publishes, taken on Smack's reader thread as they are read. Smack's own asynchronous
 * requests cost several thread hand-offs per publish (a timeout scheduled on its reactor, the answer handed to a pooled
 * thread, then to its callbacks), which at a few hundred items a second was a good part of what the gateway spent.
 * The answers are taken before Smack dispatches them ({@link GuardedTcpConnection#takeAnswers}: Smack would wake a
 * pooled thread for each). Each answer to an expected publish goes to {@code onAnswer} (which must only queue it and
 * wake its thread when needed). An answer counts
 * only from the address the publish went to, as Smack's {@link IQReplyFilter} decides ({@link #answersFrom}). Publishes left without an
 * answer are given up by {@link #expire}.
 *
 * @param <T> what the caller keeps with each publish
 */
final class PublishAnswers<T> implements AutoCloseable, GuardedTcpConnection.AnswerTaker {

    /** A publish and its answer: null when the server confirmed it (in {@code roundTripNanos}), else why not. */
    record Answer<T>(T publish, Exception error, long roundTripNanos) {
    }

    private record Expected<T>(T publish, Jid to, long sentAt) {
    }

    private final Map<String, Expected<T>> expected = new ConcurrentHashMap<>();
    private final GuardedTcpConnection connection;
    private final Consumer<Answer<T>> onAnswer;
    /** Stops taking answers. */
    private final Runnable untap;

    PublishAnswers(GuardedTcpConnection connection, Consumer<Answer<T>> onAnswer) {
        this.connection = connection;
        this.onAnswer = onAnswer;
        this.untap = connection.takeAnswers(this);
    }

    /** Sends {@code request}; its answer (or the session's end) goes to {@code onAnswer}. */
    void send(IQ request, T publish) {
        expected.put(request.getStanzaId(), new Expected<>(publish, request.getTo(), System.nanoTime()));
        try {
            connection.sendStanza(request);
        } catch (Exception e) { // Not connected, or stopped while the writer's queue was full.
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (expected.remove(request.getStanzaId()) != null) {
                onAnswer.accept(new Answer<>(publish, e, 0));
            }
        }
    }

    /** A publish's result needs no parsing: that it came is all it says. */
    @Override
    public boolean takesResultWithoutContent(String id) {
        return expected.containsKey(id);
    }

    /** Runs on the reader thread for every answer read: true for the answers to our publishes, which it takes. */
    @Override
    public boolean take(IQ iq) {
        if (iq.isRequestIQ() || iq.getStanzaId() == null) {
            return false;
        }
        Expected<T> e = expected.get(iq.getStanzaId());
        if (e == null || !answersFrom(e.to(), iq.getFrom(), connection.getUser()) || !expected.remove(iq.getStanzaId(), e)) {
            return false;
        }
        long roundTrip = System.nanoTime() - e.sentAt();
        try {
            XMPPException.XMPPErrorException.ifHasErrorThenThrow(iq);
            onAnswer.accept(new Answer<>(e.publish(), null, roundTrip));
        } catch (XMPPException.XMPPErrorException error) {
            onAnswer.accept(new Answer<>(e.publish(), error, roundTrip));
        }
        return true;
    }

    /**
     * Whether an answer from {@code from} can answer a request sent to {@code to}, as Smack's {@link IQReplyFilter} decides
     * for a request with an address (a publish always has one): from that address; for one to our own bare JID (our PEP
     * service), also without an address, as our server answers for us. Decided from the two addresses, without the
     * filter objects Smack builds for every request.
     */
    static boolean answersFrom(Jid to, Jid from, EntityFullJid local) {
        if (from == null) {
            return to == null || (local != null && to.equals(local.asBareJid()));
        }
        return from.equals(to);
    }

    /** Gives up on the publishes sent more than {@code timeoutNanos} ago: each goes to {@code onAnswer} with a timeout. */
    void expire(long timeoutNanos) {
        long now = System.nanoTime();
        List<Expected<T>> late = new ArrayList<>();
        for (Iterator<Map.Entry<String, Expected<T>>> it = expected.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Expected<T>> entry = it.next();
            if (now - entry.getValue().sentAt() > timeoutNanos && expected.remove(entry.getKey(), entry.getValue())) {
                late.add(entry.getValue());
            }
        }
        for (Expected<T> e : late) {
            onAnswer.accept(new Answer<>(e.publish(),
                    new TimeoutException("no answer from the server within " + timeoutNanos / 1_000_000_000L + " s"), 0));
        }
    }

    /** Stops taking answers; what is still expected is left to the caller (a new session sends it again). */
    @Override
    public void close() {
        untap.run();
        expected.clear();
    }
}
