package org.xmppiot.gateway.xmpp;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import javax.xml.namespace.QName;

import org.jivesoftware.smack.SmackException.NotConnectedException;
import org.jivesoftware.smack.sm.StreamManagementException.StreamManagementNotEnabledException;
import org.jivesoftware.smack.iqrequest.IQRequestHandler;
import org.jivesoftware.smack.packet.ErrorIQ;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;
import org.jxmpp.jid.Jid;

/**
 * A Smack connection that no incoming stanza can close, and that never echoes what a stranger sent.
 * Smack 4.4.8 leaves three holes, each closed here at the one place every stanza passes:
 * <ul>
 * <li>It drops a stanza whose parsing throws a parsing, I/O or argument exception, but any other
 * exception (a provider's NullPointerException, say, for a data form without a type) ends the reader
 * thread and with it the session; and after a failure half-way through a stanza its StAX parser can lose
 * count of the depth, so that later stanzas are cut wrongly or swallowed. Here each stanza is parsed on a
 * parser of its own, and any failure drops that stanza only, counted by {@link UnparsableStanzas}.</li>
 * <li>Its answer to an IQ request nobody handles echoes the request's child, and for a child it had no
 * provider for the echo is not well-formed ({@code UnparsedIQ} escapes its content into an unclosed start
 * tag), so the server closes our stream. Here such requests get a minimal {@code service-unavailable}
 * of our own, and every error we send carries the error only, never the request.</li>
 * <li>Nothing bounds what answering costs: here replies to strangers are rationed by {@link StrangerReplies}, and
 * stanzas from other accounts over {@link #MAX_STANZA_CHARS} are refused before they are parsed.</li>
 * </ul>
 * Beyond those, it costs less per stanza: the writer encodes in chunks ({@link StanzaWriter}), a burst of publishes
 * goes out in one write ({@link #beginBurst}), answers to our publishes skip Smack's dispatch ({@link #takeAnswers}),
 * and the server's ack requests are answered with what we send anyway ({@link AckRequestTap}).
 */
public final class GuardedTcpConnection extends XMPPTCPConnection {

    /**
     * The IQ requests some handler takes, as "type {namespace}element". Smack's managers register theirs inside
     * the super constructor, before field initialisers run, so the set is made on first use.
     */
    private Set<String> handled;
    /** The largest stanza read from another account; a replace-config document with a hundred things is about 20,000. */
    public static final int MAX_STANZA_CHARS = 128 * 1024;
    private static final int WRITE_BUFFER_CHARS = 8 * 1024;

    private volatile StrangerReplies strangers = StrangerReplies.none();
    /** Who takes answers on the reader thread before Smack dispatches them ({@link #takeAnswers}). */
    private final List<AnswerTaker> answerTakers = new CopyOnWriteArrayList<>();

    /** Takes answers (IQ results and errors) on the reader thread, before Smack dispatches them. */
    public interface AnswerTaker {
        /**
         * Whether a result with this id is one it would take whatever it holds: such a result is read past, not parsed,
         * and {@link #take} gets it with its addresses and id only.
         */
        boolean takesResultWithoutContent(String id);

        /** Takes {@code answer} (true), or leaves it to Smack (false). Must only queue what it takes. */
        boolean take(IQ answer);
    }
    /** The thread that puts several stanzas in Smack's queue at once ({@link #beginBurst}), or null. */
    private volatile Thread burstThread;
    /** The lock of Smack's writer queue (the same for the connection's life), once looked up; null where unknown. */
    private volatile ReentrantLock writerQueueLock;
    /** That lock while {@link #burstThread} holds it, from its burst's first stanza to its end. */
    private ReentrantLock heldQueueLock;
    /** Set by the reader thread while it parses one stanza, when that stanza was dropped. */
    private boolean droppedCurrent;
    /**
     * Stanzas read after an ack request the gateway has not answered yet, beyond which it is answered at once: the server
     * keeps what it sent until we ack it, so this bounds what it holds for us when we send nothing.
     */
    private static final int MAX_READ_WHILE_ACK_OWED = 100;
    /** The server asked for our count ({@link AckRequestTap}) and has no answer yet. */
    private final AtomicBoolean ackOwed = new AtomicBoolean();
    /** Stanzas read since the request we owe an answer to. Reader thread only. */
    private int readWhileAckOwed;

    static {
        AckRequestTap.install();
    }

    public GuardedTcpConnection(XMPPTCPConnectionConfiguration config) {
        super(config);
        setUnknownIqRequestReplyMode(org.jivesoftware.smack.SmackConfiguration.UnknownIqRequestReplyMode.doNotReply);
        setParsingExceptionCallback(unparsable -> {
            droppedCurrent = true;
            UnparsableStanzas.INSTANCE.handleUnparsableStanza(unparsable);
        });
    }

    /**
     * Several stanzas follow (the publisher's items of one batch), sent from this thread: they go into Smack's writer
     * queue while this thread holds the queue's lock, so the writer thread, woken by the first, runs only once the
     * burst is in and writes them all with one flush: one wake-up of the writer, one encrypted record and one system
     * call for the burst instead of one each (or two wake-ups with Smack's own bundle-and-defer wait). Other threads'
     * sends wait meanwhile; a burst is a few stanzas built from memory. Call {@link #endBurst} in a finally block.
     */
    public void beginBurst() {
        burstThread = Thread.currentThread();
    }

    public void endBurst() {
        burstThread = null;
        ReentrantLock held = heldQueueLock;
        if (held != null) {
            heldQueueLock = null;
            held.unlock();
        }
    }

    /** Whether {@link #beginBurst} holds the writer back: false only with a Smack whose writer queue it does not know. */
    public static boolean holdsWriterForBursts() {
        return SmackWriterQueue.LOCK_KNOWN;
    }

    /** From now on, replies to anyone {@code limits} does not know are rationed. */
    public void limitRepliesToStrangers(StrangerReplies limits) {
        strangers = limits;
    }

    public StrangerReplies strangers() {
        return strangers;
    }

    /**
     * Reads the whole stanza off the stream once, as its parse events ({@link RecordedStanza}), then lets Smack's
     * providers parse it from those events on a parser of its own. A provider that fails half-way, returns early or
     * reads too far then cannot leave the stream's parser inside the stanza: with Smack's StAX parser, skipping to the
     * stanza's end after such a failure miscounts the depth, and from then on the stream is cut into stanzas at the
     * wrong places (answers to our publishes swallowed, the reader thread ended by an assertion). The stream is read
     * once; providers replay what was read instead of a second parser tokenizing a text copy.
     */
    @Override
    protected void parseAndProcessStanza(XmlPullParser stream) throws XmlPullParserException, IOException, InterruptedException {
        takeAckRequests(stream);
        StanzaHead head = StanzaHead.of(stream);
        if (head.isResult() && !isAnotherAccount(head.from()) && takesResultWithoutContent(head.id())) {
            // An answer to one of our publishes: its content (the node and item id we sent) tells nothing new, and
            // parsing it was much of what reading the stream cost. Read past without keeping its events, and processed
            // as Smack would (the time the server was last heard, then the takers), with its head only.
            RecordedStanza.skip(stream);
            processStanza(head.emptyResult());
            return;
        }
        RecordedStanza stanza = RecordedStanza.read(stream);
        if (stanza.chars() > MAX_STANZA_CHARS && isAnotherAccount(head.from())) {
            // Refused before any provider sees it: nothing anyone asks of the gateway needs this much. Servers'
            // answers (a node's items, say) may be larger and are read.
            UnparsableStanzas.INSTANCE.drop(stanza.toXml(), new IllegalArgumentException(
                    "larger than " + MAX_STANZA_CHARS + " characters: " + stanza.chars()));
            if (head.isIqRequest()) {
                answerLater(head.error(StanzaError.Condition.not_acceptable));
            }
            return;
        }
        if (head.isResult() && takesResultWithoutContent(head.id())) {
            processStanza(head.emptyResult()); // The same, from another account (its size judged above).
            return;
        }
        droppedCurrent = false;
        try {
            super.parseAndProcessStanza(stanza.parser());
        } catch (XmlPullParserException | IOException | RuntimeException | StackOverflowError | AssertionError
                 | RecordedStanzaParser.RunawayProvider e) {
            // What Smack does not catch itself: any failure of a provider on this one stanza drops only it.
            UnparsableStanzas.INSTANCE.drop(stanza.toXml(), e);
            droppedCurrent = true;
        }
        if (droppedCurrent && head.isIqRequest()) {
            // Every request gets an answer (RFC 6120 8.2.3), also one we could not read.
            answerLater(head.error(StanzaError.Condition.bad_request));
        }
    }

    /**
     * Once stream management is on, the server's ack requests on this stream are answered here instead of by Smack as it
     * reads them (a writer wake-up and a write for each): with the next stanza sent, in the same write, or by
     * {@link #answerOwedAckRequest} within the liveness check. Each stream gets a new parser; its first stanza arms it.
     */
    private void takeAckRequests(XmlPullParser stream) {
        if (stream instanceof AckRequestTap tap && !tap.takesAckRequests() && isSmEnabled()) {
            tap.takeAckRequests(() -> {
                ackOwed.set(true);
                readWhileAckOwed = 0;
            });
        }
        if (ackOwed.get() && ++readWhileAckOwed > MAX_READ_WHILE_ACK_OWED) {
            answerOwedAckRequest();
        }
    }

    /**
     * Answers the server's ack request if one is still unanswered. Called after each stanza sent, and periodically for
     * a gateway that sends nothing: servers wait long for an answer (ejabberd 60 s, Prosody 30 s before it even notes
     * the delay) but do not ask again until they have one.
     */
    void answerOwedAckRequest() {
        if (!ackOwed.getAndSet(false)) {
            return;
        }
        try {
            sendSmAcknowledgement();
        } catch (StreamManagementNotEnabledException | NotConnectedException e) {
            // The stream is gone; a resumed one counts anew and the server asks again.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Smack writes a stanza as many small pieces (names, attributes, text) straight into its stream's
     * OutputStreamWriter, which encodes each piece on its own, with a buffer object per piece: a third of everything the
     * gateway allocated at 1,000 readings/s, and much of its writer thread's CPU. Here the pieces gather in a buffer of
     * characters and are encoded a few kilobytes at a time. Smack flushes its writer whenever no stanza waits, so nothing
     * stays behind in the buffer. Called each time Smack makes its writer (connect, TLS), before any stanza is written.
     */
    @Override
    protected void initDebugger() {
        writer = new StanzaWriter(writer, WRITE_BUFFER_CHARS);
        super.initDebugger();
    }

    @Override
    protected void invokeStanzaCollectorsAndNotifyRecvListeners(Stanza stanza) {
        if (stanza instanceof IQ iq && iq.isRequestIQ() && !handled().contains(key(iq.getType(), iq.getChildElementQName()))) {
            UnparsableStanzas.INSTANCE.countUnhandled();
            answerLater(minimalError(iq, StanzaError.Condition.service_unavailable));
            return;
        }
        if (stanza instanceof IQ iq && !iq.isRequestIQ()) {
            for (AnswerTaker taker : answerTakers) {
                if (taker.take(iq)) {
                    return;
                }
            }
        }
        super.invokeStanzaCollectorsAndNotifyRecvListeners(stanza);
    }

    /**
     * Lets {@code taker} see each answer (an IQ result or error) on the reader thread first; one it takes (returns true
     * for) goes no further. Smack hands every stanza it dispatches to a pooled thread, whether or not any listener wants
     * it: a thread wake-up per answer that answers to our own publishes, taken here, do without. {@code taker} must only
     * queue what it takes. Returns what removes it.
     */
    public Runnable takeAnswers(AnswerTaker taker) {
        answerTakers.add(taker);
        return () -> answerTakers.remove(taker);
    }

    private boolean takesResultWithoutContent(String id) {
        for (AnswerTaker taker : answerTakers) {
            if (taker.takesResultWithoutContent(id)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public IQRequestHandler registerIQRequestHandler(IQRequestHandler handler) {
        handled().add(key(handler.getType(), handler.getQName()));
        return super.registerIQRequestHandler(new AnsweringHandler(handler));
    }

    /** Sends an answer off the reader thread, which must never wait for the writer. */
    private void answerLater(Stanza answer) {
        asyncGo(() -> {
            try {
                sendStanza(answer);
            } catch (NotConnectedException | InterruptedException e) {
                // Gone meanwhile: nobody on our side waits for this answer.
            }
        });
    }

    @Override
    public IQRequestHandler unregisterIQRequestHandler(String element, String namespace, IQ.Type type) {
        handled().remove(key(type, new QName(namespace, element)));
        return super.unregisterIQRequestHandler(element, namespace, type);
    }

    @Override
    protected void sendStanzaInternal(Stanza stanza) throws NotConnectedException, InterruptedException {
        if (isReply(stanza) && isAnotherAccount(stanza.getTo()) && !strangers.mayReplyTo(stanza.getTo())) {
            return;
        }
        if (stanza instanceof ErrorIQ error && error.getChildElementName() != null) {
            stanza = bareError(error.getStanzaId(), error.getTo(), error.getFrom(), error.getError());
        }
        if (heldQueueLock == null && Thread.currentThread() == burstThread) {
            // Taken at the burst's first stanza, not at its start: nobody waits while the publisher reads the store.
            if (writerQueueLock == null) {
                writerQueueLock = SmackWriterQueue.lockOf(packetWriter);
            }
            heldQueueLock = writerQueueLock;
            if (heldQueueLock != null) {
                heldQueueLock.lock();
            }
        }
        super.sendStanzaInternal(stanza);
        // Queued behind the stanza, the answer goes out in the write that wakes the writer anyway.
        answerOwedAckRequest();
    }

    /** A handler that answers internal-server-error where the one it wraps throws, instead of leaving the request unanswered. */
    private record AnsweringHandler(IQRequestHandler inner) implements IQRequestHandler {
        @Override
        public IQ handleIQRequest(IQ request) {
            try {
                return inner.handleIQRequest(request);
            } catch (RuntimeException e) {
                UnparsableStanzas.INSTANCE.failed(inner.getQName(), e);
                return minimalError(request, StanzaError.Condition.internal_server_error);
            }
        }

        @Override
        public Mode getMode() {
            return inner.getMode();
        }

        @Override
        public IQ.Type getType() {
            return inner.getType();
        }

        @Override
        public String getElement() {
            return inner.getElement();
        }

        @Override
        public String getNamespace() {
            return inner.getNamespace();
        }

        @Override
        public QName getQName() {
            return inner.getQName();
        }
    }

    /** Our own requests (publishes among them) are never rationed, only what answers someone else's stanza. */
    private static boolean isReply(Stanza stanza) {
        return !(stanza instanceof IQ iq) || !iq.isRequestIQ();
    }

    /** An account other than ours; servers and components (no local part) are not accounts. */
    private boolean isAnotherAccount(Jid jid) {
        return jid != null && jid.hasLocalpart() && (getUser() == null || !jid.asBareJid().equals(getUser().asBareJid()));
    }

    /** An error answer to {@code request} that carries the condition and nothing of the request. */
    static ErrorIQ minimalError(IQ request, StanzaError.Condition condition) {
        return bareError(request.getStanzaId(), request.getFrom(), request.getTo(), StanzaError.getBuilder(condition).build());
    }

    /** An IQ error with {@code id}, addressed {@code to}, carrying only {@code error}. */
    static ErrorIQ bareError(String id, Jid to, Jid from, StanzaError error) {
        return ErrorIQ.builder(error, StanzaBuilder.buildIqData(id).ofType(IQ.Type.error).to(to).from(from)).build();
    }

    private synchronized Set<String> handled() {
        if (handled == null) {
            handled = ConcurrentHashMap.newKeySet();
        }
        return handled;
    }

    private static String key(IQ.Type type, QName child) {
        return type + " " + child;
    }
}
