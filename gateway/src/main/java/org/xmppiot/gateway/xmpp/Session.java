package org.xmppiot.gateway.xmpp;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaFactory;
import org.jxmpp.jid.EntityFullJid;

/**
 * What a feature needs of an XMPP session: answer requests, hear stanzas, send, and say what it offers. Features are
 * told of each new session through {@link SessionListener} and work on this, never on a connection class, so their
 * logic can be tested on an in-memory session and the gateway can later serve them over other kinds of session.
 */
public interface Session {

    /** The gateway's own address on this session. */
    EntityFullJid self();

    /** Builds stanzas (messages, presences) with this session's ids. */
    StanzaFactory stanzas();

    /** Sends {@code stanza}; false when the session has ended meanwhile (then it is not sent, as on any dead session). */
    boolean send(Stanza stanza) throws InterruptedException;

    /** Sends {@code text} to {@code to} as a chat message; false when the session has ended meanwhile. */
    default boolean chat(org.jxmpp.jid.Jid to, String text) throws InterruptedException {
        return send(stanzas().buildMessageStanza().to(to).ofType(org.jivesoftware.smack.packet.Message.Type.chat).setBody(text).build());
    }

    /**
     * Sends an IQ request; the future completes with the answer, or exceptionally with the error, the timeout or the
     * session's end.
     */
    CompletableFuture<IQ> request(IQ request);

    /** The same, waiting up to {@code timeout} for the answer (a person may have to answer it). */
    default CompletableFuture<IQ> request(IQ request, java.time.Duration timeout) {
        return request(request);
    }

    /**
     * Answers the IQ requests of {@code type} whose child is {@code element} in {@code namespace} with what
     * {@code handler} returns (a result or an error), off the thread that reads the stream.
     */
    void answer(String element, String namespace, IQ.Type type, Function<IQ, IQ> handler);

    /** Hands every incoming stanza that {@code filter} accepts to {@code listener}, off the thread that reads the stream. */
    void listen(StanzaFilter filter, Consumer<Stanza> listener);

    /** Announces a feature (a namespace) in the gateway's disco#info. */
    void announce(String feature);

    /**
     * Smack's connection underneath, for features built on Smack's managers (roster, pub/sub, PEP, service discovery
     * nodes); those need a real session to be tested on.
     */
    XMPPConnection smack();
}
