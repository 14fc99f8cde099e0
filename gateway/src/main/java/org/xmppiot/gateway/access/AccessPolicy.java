package org.xmppiot.gateway.access;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.xmppiot.gateway.config.AccessConfig;

/**
 * Who may do what, decided in one place for every feature: owners read and control, readers read,
 * anyone else is a stranger. JIDs are compared as XMPP addresses, not as text: the configured ones are
 * parsed once (so {@code Alice@Example.org} is the {@code alice@example.org} the server reports), and a
 * sender is judged by its bare JID, whichever of its resources sent the stanza.
 * <p>
 * Every feature holds the same policy, so a changed {@code access} section ({@link #replace}) takes effect for all of
 * them at the next stanza, without a new session.
 */
public final class AccessPolicy {

    public enum Role { OWNER, READER, STRANGER }

    /** Who is who, swapped as one so that no decision sees half of a change. */
    private record Lists(Set<BareJid> owners, Set<BareJid> readers) {
    }

    private volatile Lists lists;

    private AccessPolicy(Lists lists) {
        this.lists = lists;
    }

    /** The policy of a configuration; a configured JID that is no XMPP address is refused. */
    public static AccessPolicy of(AccessConfig config) throws XmppStringprepException {
        return new AccessPolicy(lists(config));
    }

    private static Lists lists(AccessConfig config) throws XmppStringprepException {
        return new Lists(parse(config.owners()), parse(config.readers()));
    }

    /** Takes the lists of {@code config} from now on; true when anyone's role changed. */
    public boolean replace(AccessConfig config) throws XmppStringprepException {
        Lists next = lists(config);
        Lists before = lists;
        lists = next;
        return !before.equals(next);
    }

    private static Set<BareJid> parse(List<String> jids) throws XmppStringprepException {
        Set<BareJid> out = new LinkedHashSet<>();
        for (String jid : jids) {
            out.add(JidCreate.bareFrom(jid));
        }
        return Set.copyOf(out);
    }

    public Role roleOf(Jid from) {
        if (from == null) {
            return Role.STRANGER;
        }
        BareJid bare = from.asBareJid();
        Lists now = lists;
        return now.owners().contains(bare) ? Role.OWNER : now.readers().contains(bare) ? Role.READER : Role.STRANGER;
    }

    /** The same for a JID kept as text (a stored subscription's subscriber); text that is no JID is a stranger. */
    public Role roleOf(CharSequence jid) {
        try {
            return roleOf(JidCreate.from(jid));
        } catch (XmppStringprepException e) {
            return Role.STRANGER;
        }
    }

    public boolean isOwner(Jid from) {
        return roleOf(from) == Role.OWNER;
    }

    public boolean isOwner(CharSequence jid) {
        return roleOf(jid) == Role.OWNER;
    }

    /** Owners and readers. */
    public boolean mayRead(Jid from) {
        return roleOf(from) != Role.STRANGER;
    }

    public boolean mayRead(CharSequence jid) {
        return roleOf(jid) != Role.STRANGER;
    }

    /** Whether anyone may control the gateway; without, it offers an owner's invite where the server gives them. */
    public boolean hasOwner() {
        return !lists.owners().isEmpty();
    }

    /** Owners and readers, owners first. */
    public Set<BareJid> everyone() {
        Lists now = lists;
        Set<BareJid> all = new LinkedHashSet<>(now.owners());
        all.addAll(now.readers());
        return all;
    }
}
