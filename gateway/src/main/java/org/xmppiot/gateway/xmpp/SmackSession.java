package org.xmppiot.gateway.xmpp;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.iqrequest.AbstractIqRequestHandler;
import org.jivesoftware.smack.iqrequest.IQRequestHandler;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaFactory;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jxmpp.jid.EntityFullJid;

/** A {@link Session} on one of Smack's connections. */
public final class SmackSession implements Session {

    private final XMPPConnection connection;

    public SmackSession(XMPPConnection connection) {
        this.connection = connection;
    }

    @Override
    public EntityFullJid self() {
        return connection.getUser();
    }

    @Override
    public StanzaFactory stanzas() {
        return connection.getStanzaFactory();
    }

    @Override
    public boolean send(Stanza stanza) throws InterruptedException {
        try {
            connection.sendStanza(stanza);
            return true;
        } catch (SmackException.NotConnectedException e) {
            return false;
        }
    }

    @Override
    public CompletableFuture<IQ> request(IQ request) {
        CompletableFuture<IQ> answer = new CompletableFuture<>();
        connection.sendIqRequestAsync(request).onSuccess(answer::complete).onError(answer::completeExceptionally);
        return answer;
    }

    @Override
    public CompletableFuture<IQ> request(IQ request, java.time.Duration timeout) {
        CompletableFuture<IQ> answer = new CompletableFuture<>();
        connection.sendIqRequestAsync(request, timeout.toMillis()).onSuccess(answer::complete).onError(answer::completeExceptionally);
        return answer;
    }

    @Override
    public void answer(String element, String namespace, IQ.Type type, Function<IQ, IQ> handler) {
        connection.registerIQRequestHandler(new AbstractIqRequestHandler(element, namespace, type, IQRequestHandler.Mode.async) {
            @Override
            public IQ handleIQRequest(IQ request) {
                return handler.apply(request);
            }
        });
    }

    @Override
    public void listen(StanzaFilter filter, Consumer<Stanza> listener) {
        connection.addAsyncStanzaListener(listener::accept, filter);
    }

    @Override
    public void announce(String feature) {
        ServiceDiscoveryManager.getInstanceFor(connection).addFeature(feature);
    }

    @Override
    public XMPPConnection smack() {
        return connection;
    }
}
