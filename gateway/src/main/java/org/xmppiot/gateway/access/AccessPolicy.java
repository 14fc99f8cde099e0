package org.xmppiot.gateway.access;

import java.util.ArrayList;
import java.util.Collection;
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
 * <p>
 * Beside the global lists, some JIDs may read (or control) some things only: those named under {@code access.things}
 * in the configuration and those an owner allowed by chat ({@link #share}). They are no readers: {@link #roleOf} calls
 * them strangers, and only the per-thing questions ({@link #mayRead(Jid, String)}, {@link #mayControl},
 * {@link #readable}, {@link #readersOf}) let them in; {@link #isKnown} says whether someone may use the gateway at all.
 */
public final class AccessPolicy {

    public enum Role { OWNER, READER, STRANGER }

    /** One JID that may read (or, with {@code control}, also control) the things {@code pattern} matches. */
    public record ThingRight(String pattern, BareJid jid, boolean control) {
        boolean covers(String thing) {
            return AccessConfig.ThingAccess.matches(pattern, thing);
        }
    }

    /** Who is who, swapped as one so that no decision sees half of a change. */
    private record Lists(Set<BareJid> owners, Set<BareJid> readers, List<ThingRight> configured) {
    }

    private volatile Lists lists;
    /** Read rights given by owners while running, on single things; kept by the sharing feature. */
    private volatile List<ThingRight> shared = List.of();

    private AccessPolicy(Lists lists) {
        this.lists = lists;
    }

    /** The policy of a configuration; a configured JID that is no XMPP address is refused. */
    public static AccessPolicy of(AccessConfig config) throws XmppStringprepException {
        return new AccessPolicy(lists(config));
    }

    private static Lists lists(AccessConfig config) throws XmppStringprepException {
        List<ThingRight> rights = new ArrayList<>();
        for (AccessConfig.ThingAccess t : config.things()) {
            for (BareJid jid : parse(t.readers())) {
                rights.add(new ThingRight(t.pattern(), jid, false));
            }
            for (BareJid jid : parse(t.controllers())) {
                rights.add(new ThingRight(t.pattern(), jid, true));
            }
        }
        return new Lists(parse(config.owners()), parse(config.readers()), List.copyOf(rights));
    }

    /** Takes the read rights owners gave while running (all of them, replacing the last); true when any changed. */
    public boolean share(Collection<ThingRight> rights) {
        List<ThingRight> next = List.copyOf(rights);
        boolean changed = !Set.copyOf(next).equals(Set.copyOf(shared));
        shared = next;
        return changed;
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

    /** Whether {@code from} may read {@code thing}: owners and readers may, and whoever was given that thing. */
    public boolean mayRead(Jid from, String thing) {
        return mayRead(from) || hasRight(from, thing, false);
    }

    /** Whether {@code from} may set {@code thing}'s channels: owners, and controllers of that thing. */
    public boolean mayControl(Jid from, String thing) {
        return isOwner(from) || hasRight(from, thing, true);
    }

    /** The same for a JID kept as text; text that is no JID may control nothing. */
    public boolean mayControl(CharSequence jid, String thing) {
        try {
            return mayControl(JidCreate.from(jid), thing);
        } catch (XmppStringprepException e) {
            return false;
        }
    }

    /** The same for a JID kept as text. */
    public boolean mayRead(CharSequence jid, String thing) {
        try {
            return mayRead(JidCreate.from(jid), thing);
        } catch (XmppStringprepException e) {
            return false;
        }
    }

    /** Those of {@code things} that {@code from} may read, in their order. */
    public Set<String> readable(Jid from, Collection<String> things) {
        Set<String> out = new LinkedHashSet<>();
        for (String thing : things) {
            if (mayRead(from, thing)) {
                out.add(thing);
            }
        }
        return out;
    }

    /** Whether {@code from} may use the gateway at all: an owner, a reader, or given some thing. */
    public boolean isKnown(Jid from) {
        if (from == null || mayRead(from)) {
            return from != null;
        }
        BareJid bare = from.asBareJid();
        return rights().stream().anyMatch(r -> r.jid().equals(bare));
    }

    /** The same for a JID kept as text (a stored subscription's subscriber); text that is no JID is not known. */
    public boolean isKnown(CharSequence jid) {
        try {
            return isKnown(JidCreate.from(jid));
        } catch (XmppStringprepException e) {
            return false;
        }
    }

    /** Whether {@code from} may control some thing (an owner, or a controller of one). */
    public boolean mayControlSome(Jid from) {
        if (from == null || isOwner(from)) {
            return from != null;
        }
        BareJid bare = from.asBareJid();
        return rights().stream().anyMatch(r -> r.control() && r.jid().equals(bare));
    }

    /** Everyone who may read {@code thing}: owners, readers, then those given it; what its pub/sub node lets subscribe. */
    public Set<BareJid> readersOf(String thing) {
        Set<BareJid> all = everyone();
        for (ThingRight r : rights()) {
            if (r.covers(thing)) {
                all.add(r.jid());
            }
        }
        return all;
    }

    /** The rights given in the configuration ({@code access.things}), to tell them apart from shares. */
    public List<ThingRight> configuredRights() {
        return lists.configured();
    }

    private boolean hasRight(Jid from, String thing, boolean control) {
        if (from == null || thing == null) {
            return false;
        }
        BareJid bare = from.asBareJid();
        for (ThingRight r : rights()) {
            if (r.jid().equals(bare) && (r.control() || !control) && r.covers(thing)) {
                return true;
            }
        }
        return false;
    }

    private List<ThingRight> rights() {
        List<ThingRight> all = new ArrayList<>(lists.configured());
        all.addAll(shared);
        return all;
    }

    /** Whether anyone may control the gateway; without, it offers an owner's invite where the server gives them. */
    public boolean hasOwner() {
        return !lists.owners().isEmpty();
    }

    /** The owners, who are asked when someone wants a thing. */
    public Set<BareJid> owners() {
        return lists.owners();
    }

    /** Owners and readers, owners first. */
    public Set<BareJid> everyone() {
        Lists now = lists;
        Set<BareJid> all = new LinkedHashSet<>(now.owners());
        all.addAll(now.readers());
        return all;
    }
}
