package org.xmppiot.gateway.weblogin;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.roster.Roster;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.gateway.access.AccessPolicy;
import org.xmppiot.gateway.feature.LoginConfirmer;
import org.xmppiot.gateway.xmpp.Session;
import org.xmppiot.gateway.xmpp.SessionListener;

/**
 * Logging in to the page with an XMPP account (XEP-0070, Verifying HTTP Requests via XMPP): the gateway asks the
 * account whether the login with the code shown on the page is theirs. An owner or reader who is online gets an IQ on
 * the resource the gateway sees online (the result confirms, an error denies); one who is not gets a message to the
 * bare JID, answered by a message that carries the same {@code <confirm/>} (confirms) or is of type error (denies).
 * Strangers are never sent anything: the page cannot be used to send requests to arbitrary JIDs.
 */
public final class HttpAuthConfirmations implements SessionListener, LoginConfirmer {

    static final String NAMESPACE = "http://jabber.org/protocol/http-auth";
    private static final Logger log = LoggerFactory.getLogger(HttpAuthConfirmations.class);

    private final AccessPolicy access;
    private volatile Session session;
    /** Message-flow requests waiting for an answer, by id. */
    private final Map<String, CompletableFuture<Boolean>> waiting = new ConcurrentHashMap<>();

    public HttpAuthConfirmations(AccessPolicy access) {
        this.access = access;
    }

    @Override
    public void sessionStarted(Session s) {
        session = s;
        StanzaFilter answers = stanza -> stanza instanceof Message && stanza.getExtension(new javax.xml.namespace.QName(NAMESPACE, "confirm")) != null;
        s.listen(answers, this::answered);
    }

    @Override
    public boolean mayLogIn(String bareJid) {
        return access.mayRead(bareJid);
    }

    @Override
    public CompletableFuture<Boolean> confirm(String bareJid, String id, String method, String url, Duration timeout) {
        Session s = session;
        if (s == null || !access.mayRead(bareJid)) {
            return CompletableFuture.completedFuture(false);
        }
        try {
            BareJid who = JidCreate.bareFrom(bareJid);
            Optional<Jid> online = onlineResource(s, who);
            CompletableFuture<Boolean> outcome;
            if (online.isPresent()) {
                ConfirmIq ask = new ConfirmIq(id, method, url);
                ask.setTo(online.get());
                outcome = s.request(ask, timeout).thenApply(answer -> answer.getType() == IQ.Type.result).exceptionally(e -> false);
            } else {
                outcome = new CompletableFuture<>();
                waiting.put(id, outcome);
                outcome.whenComplete((ok, e) -> waiting.remove(id));
                Message m = s.stanzas().buildMessageStanza().to(who).setThread(id)
                        .setBody("Someone asks to log in to the status page of " + s.self().asBareJid() + " as you, with the code " + id
                                + " (" + url + "). If it is you, confirm it in your XMPP app; otherwise deny it.")
                        .addExtension(confirmElement(id, method, url)).build();
                if (!s.send(m)) {
                    return CompletableFuture.completedFuture(false);
                }
            }
            log.info("asked {} to confirm the page login {}", bareJid, id);
            return outcome.completeOnTimeout(false, timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (XmppStringprepException e) {
            return CompletableFuture.completedFuture(false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.completedFuture(false);
        }
    }

    /** A resource of {@code who} that the gateway sees online (owners and readers share presence with it). */
    private static Optional<Jid> onlineResource(Session s, BareJid who) {
        for (Presence p : Roster.getInstanceFor(s.smack()).getAvailablePresences(who)) {
            if (p.isAvailable() && p.getFrom() != null && p.getFrom().hasResource()) {
                return Optional.of(p.getFrom());
            }
        }
        return Optional.empty();
    }

    private void answered(Stanza stanza) {
        ExtensionElement confirm = stanza.getExtension(new javax.xml.namespace.QName(NAMESPACE, "confirm"));
        String id = confirm instanceof StandardExtensionElement e ? e.getAttributeValue("id") : null;
        CompletableFuture<Boolean> pending = id == null ? null : waiting.get(id);
        if (pending == null || stanza.getFrom() == null || !access.mayRead(stanza.getFrom())) {
            return;
        }
        pending.complete(!(stanza instanceof Message m && m.getType() == Message.Type.error));
    }

    static StandardExtensionElement confirmElement(String id, String method, String url) {
        return StandardExtensionElement.builder("confirm", NAMESPACE).addAttribute("id", id).addAttribute("method", method)
                .addAttribute("url", url).build();
    }

    /** {@code <iq type='get'><confirm xmlns='http://jabber.org/protocol/http-auth' id method url/></iq>}. */
    private static final class ConfirmIq extends IQ {
        private final String id;
        private final String method;
        private final String url;

        ConfirmIq(String id, String method, String url) {
            super("confirm", NAMESPACE);
            this.id = id;
            this.method = method;
            this.url = url;
            setType(Type.get);
        }

        @Override
        protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
            xml.attribute("id", id).attribute("method", method).attribute("url", url);
            xml.setEmptyElement();
            return xml;
        }
    }
}
