package org.xmppiot.gateway.onboarding;

import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.RosterListener;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.gateway.access.AccessPolicy;
import org.xmppiot.gateway.xmpp.Session;
import org.xmppiot.gateway.xmpp.SessionListener;
import org.xmppiot.gateway.xmpp.XmppFailures;

/**
 * Getting started without typing JIDs: a gateway with no owner asks its server for an owner's invite (XEP-0401) and
 * shows it as a link and a QR code; whoever creates their account with it becomes the gateway's contact (the server
 * does that) and so its owner, written into {@code access.owners}. Owners who are new (by that invite, or named by
 * {@code join}) are greeted by chat at the next session.
 * <p>
 * Only the invite's own doing can make someone an owner: a contact with a mutual subscription the gateway never
 * granted appears in its roster only when the server's invite code made it (the gateway refuses every other request),
 * and the gateway gave out one invite.
 */
public final class Onboarding implements SessionListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Onboarding.class);

    private final AccessPolicy access;
    private final OnboardingState state;
    private final Supplier<Collection<String>> things;
    private final Ownership ownership;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "onboarding");
        t.setDaemon(true);
        return t;
    });

    /** {@code ownership} null: the gateway cannot write its configuration, so it offers no owner's invite. */
    public Onboarding(AccessPolicy access, OnboardingState state, Supplier<Collection<String>> things, Ownership ownership) {
        this.access = access;
        this.state = state;
        this.things = things;
        this.ownership = ownership;
    }

    @Override
    public void sessionStarted(Session session) {
        worker.execute(() -> {
            greetNewOwners(session);
            if (ownership != null && !access.hasOwner()) {
                offerOwnerInvite(session);
            }
        });
    }

    private void greetNewOwners(Session session) {
        for (String jid : state.toGreet()) {
            try {
                if (greet(session, jid)) {
                    state.greeted(jid);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                log.warn("could not greet {} ({}); trying again at the next session", jid, XmppFailures.brief(e));
            }
        }
    }

    private boolean greet(Session session, String jid) throws InterruptedException, IOException {
        Collection<String> ids = things.get();
        String text = "Hello, I am " + session.self().asBareJid() + ", online with " + ids.size() + (ids.size() == 1 ? " thing" : " things")
                + (ids.isEmpty() ? "" : " (" + String.join(", ", ids.stream().limit(5).toList()) + (ids.size() > 5 ? ", ..." : "") + ")")
                + ". You are my owner. Reply help for what I understand.";
        boolean sent = session.chat(JidCreate.from(jid), text);
        if (sent) {
            log.info("greeted the owner {}", jid);
        }
        return sent;
    }

    private void offerOwnerInvite(Session session) {
        Roster roster = Roster.getInstanceFor(session.smack());
        roster.addRosterListener(new NewContacts(session));
        OnboardingState.OwnerInvite invite = state.ownerInvite();
        try {
            if (invite == null || !invite.usableAt(Instant.now())) {
                invite = OwnerInvites.create(session.smack());
                state.keepOwnerInvite(invite);
            }
        } catch (OwnerInvites.NoInvitesException e) {
            log.warn("this gateway has no owner (access.owners is empty) and cannot offer an owner's invite: {}; name an owner in"
                    + " access.owners", e.getMessage());
            return;
        } catch (Exception e) {
            log.warn("this gateway has no owner and could not get an owner's invite from its server: {}", XmppFailures.brief(e));
            return;
        }
        log.info("this gateway has no owner yet. {}", OwnerInvites.shown(invite, session.self().getDomain().toString()));
        try {
            // The invite may have been used while the gateway was away.
            roster.reloadAndWait();
            roster.getEntries().forEach(e -> considerOwner(session, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("roster not read: {}", e.toString());
        }
    }

    /** Watches the roster for the contact the owner's invite made. */
    private final class NewContacts implements RosterListener {
        private final Session session;

        NewContacts(Session session) {
            this.session = session;
        }

        @Override
        public void entriesAdded(Collection<Jid> addresses) {
            changed(addresses);
        }

        @Override
        public void entriesUpdated(Collection<Jid> addresses) {
            changed(addresses);
        }

        private void changed(Collection<Jid> addresses) {
            List<Jid> copy = List.copyOf(addresses);
            worker.execute(() -> {
                Roster roster = Roster.getInstanceFor(session.smack());
                for (Jid jid : copy) {
                    RosterEntry entry = roster.getEntry(jid.asBareJid());
                    if (entry != null) {
                        considerOwner(session, entry);
                    }
                }
            });
        }

        @Override
        public void entriesDeleted(Collection<Jid> addresses) {
        }

        @Override
        public void presenceChanged(org.jivesoftware.smack.packet.Presence presence) {
        }
    }

    /** On the worker: a contact with a mutual subscription nobody granted, while the owner's invite is out, used it. */
    private void considerOwner(Session session, RosterEntry entry) {
        if (access.hasOwner() || state.ownerInvite() == null || entry.getType() != RosterPacket.ItemType.both
                || access.isKnown(entry.getJid())) {
            return;
        }
        String jid = entry.getJid().asBareJid().toString();
        String refusal = ownership.claim(jid);
        if (refusal != null) {
            log.warn("{} used the owner's invite but could not be made owner: {}", jid, refusal);
            return;
        }
        log.info("{} used the owner's invite and is the gateway's owner now (access.owners)", jid);
        try {
            state.ownerInviteUsed();
            if (!greet(session, jid)) {
                state.greetLater(jid);
            }
        } catch (IOException e) {
            log.warn("could not note that the owner's invite was used: {}", XmppFailures.brief(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The owner's invite to show while the gateway has no owner; null when it has one or offers none. */
    public String pendingInvite() {
        OnboardingState.OwnerInvite invite = ownership == null || access.hasOwner() ? null : state.ownerInvite();
        return invite == null || !invite.usableAt(Instant.now()) ? null : invite.uri();
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
