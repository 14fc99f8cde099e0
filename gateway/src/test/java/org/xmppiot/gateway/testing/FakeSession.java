package org.xmppiot.gateway.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaFactory;
import org.jivesoftware.smack.packet.id.StandardStanzaIdSource;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.xmppiot.gateway.xmpp.Session;

/**
 * An in-memory {@link Session} for testing a feature's logic without a server: {@link #deliver} hands it a stanza as
 * if it had arrived (an IQ request to the handler registered for it, whose answer counts as sent; anything else to
 * the listeners whose filter accepts it), and {@link #sent} shows what the feature sent. Delivery runs on the caller's
 * thread, so a test sees the outcome as soon as {@code deliver} returns. Requests the feature sends are answered by
 * {@link #answerRequestsWith} (an empty result by default).
 */
public final class FakeSession implements Session {

    private final EntityFullJid self;
    private final StanzaFactory stanzas = new StanzaFactory(new StandardStanzaIdSource());
    private final List<Stanza> sent = new CopyOnWriteArrayList<>();
    private final Map<String, Function<IQ, IQ>> handlers = new ConcurrentHashMap<>();
    private final List<Map.Entry<StanzaFilter, Consumer<Stanza>>> listeners = new CopyOnWriteArrayList<>();
    private final Set<String> features = ConcurrentHashMap.newKeySet();
    private volatile Function<IQ, CompletableFuture<IQ>> requests = request -> CompletableFuture.completedFuture(IQ.createResultIQ(request));
    private volatile boolean connected = true;

    public FakeSession(String self) {
        this.self = JidCreate.entityFullFromOrThrowUnchecked(self);
    }

    /** Hands {@code stanza} to the feature; for an IQ request, returns the answer it gave (null when none or not an IQ). */
    public IQ deliver(Stanza stanza) {
        if (stanza instanceof IQ iq && (iq.getType() == IQ.Type.get || iq.getType() == IQ.Type.set)) {
            Function<IQ, IQ> handler = handlers.get(key(iq.getChildElementName(), iq.getChildElementNamespace(), iq.getType()));
            if (handler == null) {
                throw new AssertionError("no handler for " + iq.getChildElementName() + " in " + iq.getChildElementNamespace());
            }
            IQ answer = handler.apply(iq);
            if (answer != null) {
                sent.add(answer);
            }
            return answer;
        }
        for (Map.Entry<StanzaFilter, Consumer<Stanza>> l : listeners) {
            if (l.getKey().accept(stanza)) {
                l.getValue().accept(stanza);
            }
        }
        return null;
    }

    /** A chat message from {@code from} with {@code body}, delivered. */
    public void chat(String from, String body) {
        deliver(stanzas.buildMessageStanza().from(JidCreate.fromOrThrowUnchecked(from)).to(self).ofType(Message.Type.chat)
                .setBody(body).build());
    }

    /** Delivers a chat {@code line} from {@code from} and returns the one answer sent back to it (fails on none or more). */
    public String ask(String from, String line) {
        int before = chatTo(from).size();
        chat(from, line);
        List<String> answers = chatTo(from);
        if (answers.size() != before + 1) {
            throw new AssertionError("expected one answer to '" + line + "', got " + answers.subList(before, answers.size()));
        }
        return answers.get(before);
    }

    /** Everything the feature sent, in order. */
    public List<Stanza> sent() {
        return sent;
    }

    /** What was sent to {@code to} of {@code type}, in order. */
    public <T extends Stanza> List<T> sentTo(String to, Class<T> type) {
        Jid jid = JidCreate.fromOrThrowUnchecked(to);
        List<T> out = new ArrayList<>();
        for (Stanza s : sent) {
            if (type.isInstance(s) && jid.equals(s.getTo())) {
                out.add(type.cast(s));
            }
        }
        return out;
    }

    /** The bodies of the chat messages sent to {@code to}, in order. */
    public List<String> chatTo(String to) {
        return sentTo(to, Message.class).stream().map(Message::getBody).filter(b -> b != null).toList();
    }

    /** The features announced for disco#info. */
    public Set<String> features() {
        return features;
    }

    /** How requests the feature sends are answered from now on. */
    public void answerRequestsWith(Function<IQ, CompletableFuture<IQ>> answers) {
        requests = answers;
    }

    /** The session ends: sends fail from now on. */
    public void end() {
        connected = false;
    }

    @Override
    public EntityFullJid self() {
        return self;
    }

    @Override
    public StanzaFactory stanzas() {
        return stanzas;
    }

    @Override
    public boolean send(Stanza stanza) {
        if (!connected) {
            return false;
        }
        sent.add(stanza);
        return true;
    }

    @Override
    public CompletableFuture<IQ> request(IQ request) {
        if (!connected) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected"));
        }
        sent.add(request);
        return requests.apply(request);
    }

    @Override
    public void answer(String element, String namespace, IQ.Type type, Function<IQ, IQ> handler) {
        handlers.put(key(element, namespace, type), handler);
    }

    @Override
    public void listen(StanzaFilter filter, Consumer<Stanza> listener) {
        listeners.add(Map.entry(filter, listener));
    }

    @Override
    public void announce(String feature) {
        features.add(feature);
    }

    @Override
    public XMPPConnection smack() {
        throw new UnsupportedOperationException("an in-memory session has no Smack connection; test this feature on Prosody");
    }

    private static String key(String element, String namespace, IQ.Type type) {
        return element + " " + namespace + " " + type;
    }
}
