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
 */
public final class AccessPolicy {

    public enum Role { OWNER, READER, STRANGER }

    private final Set<BareJid> owners;
    private final Set<BareJid> readers;

    private AccessPolicy(Set<BareJid> owners, Set<BareJid> readers) {
        this.owners = owners;
        this.readers = readers;
    }

    /** The policy of a configuration; a configured JID that is no XMPP address is refused. */
    public static AccessPolicy of(AccessConfig config) throws XmppStringprepException {
        return new AccessPolicy(parse(config.owners()), parse(config.readers()));
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
        return owners.contains(bare) ? Role.OWNER : readers.contains(bare) ? Role.READER : Role.STRANGER;
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

    /** Owners and readers, owners first. */
    public Set<BareJid> everyone() {
        Set<BareJid> all = new LinkedHashSet<>(owners);
        all.addAll(readers);
        return all;
    }
}
