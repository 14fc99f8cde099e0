package org.xmppiot.gateway.sharing;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.gateway.access.AccessPolicy;
import org.xmppiot.gateway.access.AccessPolicy.ThingRight;
import org.xmppiot.gateway.feature.AccessRequests;
import org.xmppiot.gateway.feature.ChatVerbs;
import org.xmppiot.gateway.xmpp.Session;
import org.xmppiot.gateway.xmpp.SessionListener;

/**
 * Sharing one thing with someone, also on another server: they ask ({@code request greenhouse} by chat or the
 * {@code request} command), the owners are asked by chat with a short number, an owner answers {@code allow 7} or
 * {@code deny 7}; {@code revoke} ends a share and {@code shares} lists them. A share lets its JID read that thing only
 * (read-outs, chat, observe, the thing's pub/sub node); it is kept in {@code shares} beside the store, so neither a
 * replaced configuration nor a restart loses it. Nobody is subscribed to anything for them: they subscribe themselves.
 * <p>
 * A requester learns nothing of which things exist: a request for a thing that does not exist is answered like any
 * other (and goes nowhere). Few requests reach the owners: see {@link RequestLimits}.
 */
public final class Sharing implements SessionListener, ChatVerbs, AccessRequests, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Sharing.class);
    /** Requests waiting for an owner's answer, at most; more are refused until some are answered or expire. */
    static final int MAX_PENDING = 20;
    static final Duration PENDING_FOR = Duration.ofDays(1);

    private record Pending(int number, Jid requester, BareJid jid, String thing, long atNanos) {
    }

    private final AccessPolicy access;
    private final ShareStore store;
    private final Supplier<Set<String>> things;
    private final Runnable applyAccess;
    private final Function<String, String> whereToSubscribe;
    private final RequestLimits limits;
    private final LongSupplier nanos;
    private final Map<Integer, Pending> pending = new LinkedHashMap<>();
    private final List<ShareStore.Share> shares = new ArrayList<>();
    private final AtomicLong turnedAway = new AtomicLong();
    private final ExecutorService applier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sharing");
        t.setDaemon(true);
        return t;
    });
    private int nextNumber = 1;
    private volatile Session session;

    /**
     * Shares kept in {@code file}; {@code applyAccess} brings node affiliations and observers in line after a change;
     * {@code whereToSubscribe} says where a thing's node is, for the one given it (null while unknown).
     */
    public Sharing(AccessPolicy access, java.nio.file.Path file, Supplier<Set<String>> things, Runnable applyAccess,
                   Function<String, String> whereToSubscribe, LongSupplier nanos) throws IOException {
        this.access = access;
        this.store = new ShareStore(file);
        this.things = things;
        this.applyAccess = applyAccess;
        this.whereToSubscribe = whereToSubscribe;
        this.nanos = nanos;
        this.limits = new RequestLimits(nanos);
        shares.addAll(store.load());
        access.share(rights());
        if (!shares.isEmpty()) {
            log.info("sharing: {} thing(s) shared by the owners ({})", shares.size(), file);
        }
    }

    @Override
    public void sessionStarted(Session s) {
        session = s;
    }

    @Override
    public Set<String> verbs() {
        return Set.of("request", "allow", "deny", "revoke", "shares");
    }

    @Override
    public Set<String> strangerVerbs() {
        return Set.of("request");
    }

    @Override
    public List<String> help() {
        return List.of(
                "  request <thing>     ask the owners to let you read a thing",
                "  allow <n> | deny <n>   answer request n (owners)",
                "  revoke <jid> [thing]   end what was shared with someone (owners)",
                "  shares              what is shared with whom, and the requests waiting (owners)");
    }

    /** Requests turned away by the limits, since start. */
    public long turnedAway() {
        return turnedAway.get();
    }

    @Override
    public String run(String from, String verb, List<String> args) {
        if (verb.equals("request")) {
            return args.isEmpty() ? "request <thing>: asks the gateway's owners to let you read it." : request(from, args.get(0));
        }
        if (!access.isOwner(from)) {
            return "Only the gateway's owners may answer requests and share things.";
        }
        return switch (verb) {
            case "allow" -> answer(from, args, true);
            case "deny" -> answer(from, args, false);
            case "revoke" -> revoke(args);
            default -> list();
        };
    }

    @Override
    public String request(String from, String thing) {
        Jid requester;
        try {
            requester = JidCreate.from(from);
        } catch (XmppStringprepException e) {
            return "Not asked: '" + from + "' is no XMPP address.";
        }
        BareJid jid = requester.asBareJid();
        boolean exists = things.get().contains(thing);
        if (exists && access.mayRead(requester, thing)) {
            return "You may read " + thing + " already: send read " + thing;
        }
        Pending asked;
        synchronized (this) {
            expire();
            if (pending.values().stream().anyMatch(p -> p.jid().equals(jid) && p.thing().equals(thing))) {
                return "Your request to read " + thing + " is with the owners already.";
            }
            if (!limits.admit(jid) || pending.size() >= MAX_PENDING) {
                turnedAway.incrementAndGet();
                return "Too many requests just now; try again in an hour.";
            }
            // A thing that does not exist is answered the same way, so asking tells nobody which things exist.
            if (!exists || !access.hasOwner()) {
                log.debug("sharing: {} asked for '{}', which is not here or has no owner to ask", jid, thing);
                return asked(thing);
            }
            asked = new Pending(nextNumber++, requester, jid, thing, nanos.getAsLong());
            pending.put(asked.number(), asked);
        }
        log.info("sharing: {} asks to read {} (request {})", jid, thing, asked.number());
        String text = jid + " asks to read " + thing + ". Reply: allow " + asked.number() + " / deny " + asked.number();
        for (BareJid owner : access.owners()) {
            tell(owner, text);
        }
        return asked(thing);
    }

    private static String asked(String thing) {
        return "Asked the gateway's owners to let you read " + thing + "; you are told here when they answer.";
    }

    private String answer(String owner, List<String> args, boolean allow) {
        Pending p;
        synchronized (this) {
            expire();
            Integer number = args.isEmpty() ? null : number(args.get(0));
            p = number == null ? null : pending.get(number);
            if (p == null) {
                return (allow ? "allow" : "deny") + " <n>: no request " + (args.isEmpty() ? "given" : args.get(0))
                        + " is waiting (shares lists them).";
            }
            pending.remove(p.number());
            if (!allow) {
                log.info("sharing: {} denied {} reading {}", bare(owner), p.jid(), p.thing());
                tell(p.requester(), "The owners of this gateway declined your request to read " + p.thing() + ".");
                return "Denied: " + p.jid() + " does not read " + p.thing() + ".";
            }
            List<ShareStore.Share> next = new ArrayList<>(shares);
            next.removeIf(s -> s.jid().equals(p.jid()) && s.thing().equals(p.thing()));
            next.add(new ShareStore.Share(p.thing(), p.jid(), bare(owner), Instant.now()));
            String problem = keep(next);
            if (problem != null) {
                pending.put(p.number(), p);
                return "Not allowed: " + problem;
            }
        }
        log.info("sharing: {} allowed {} to read {}", bare(owner), p.jid(), p.thing());
        applier.execute(() -> {
            applyAccess.run(); // The node lets them subscribe before they are told they may.
            String where = whereToSubscribe.apply(p.thing());
            tell(p.requester(), "The owners allowed you to read " + p.thing() + ": send read " + p.thing()
                    + (where == null ? "" : ", or subscribe to pub/sub node " + where) + ".");
        });
        return "Allowed: " + p.jid() + " reads " + p.thing() + " (revoke " + p.jid() + " " + p.thing() + " ends it).";
    }

    private String revoke(List<String> args) {
        if (args.isEmpty()) {
            return "revoke <jid> [thing]: ends what was shared with jid (every thing, or the one named).";
        }
        BareJid jid;
        try {
            jid = JidCreate.bareFrom(args.get(0));
        } catch (XmppStringprepException e) {
            return "'" + args.get(0) + "' is no XMPP address.";
        }
        String thing = args.size() > 1 ? args.get(1) : null;
        List<String> ended = new ArrayList<>();
        synchronized (this) {
            List<ShareStore.Share> next = new ArrayList<>(shares);
            next.removeIf(s -> s.jid().equals(jid) && (thing == null || s.thing().equals(thing)) && ended.add(s.thing()));
            if (ended.isEmpty()) {
                List<String> configured = access.configuredRights().stream().filter(r -> r.jid().equals(jid))
                        .map(ThingRight::pattern).distinct().toList();
                return configured.isEmpty() ? "Nothing is shared with " + jid + (thing == null ? "" : " for " + thing) + "."
                        : jid + " reads " + String.join(", ", configured) + " by the configuration (access.things); remove them there.";
            }
            String problem = keep(next);
            if (problem != null) {
                return "Not revoked: " + problem;
            }
        }
        log.info("sharing: revoked {} reading {}", jid, ended);
        applier.execute(applyAccess);
        return "Revoked: " + jid + " no longer reads " + String.join(", ", ended) + ".";
    }

    private synchronized String list() {
        expire();
        StringBuilder b = new StringBuilder();
        for (ShareStore.Share s : shares) {
            b.append(b.length() == 0 ? "Shared:" : "").append("\n  ").append(s.thing()).append(": ").append(s.jid())
                    .append(" (allowed by ").append(s.allowedBy()).append(", ").append(s.at().toString(), 0, 10).append(')');
        }
        for (ThingRight r : access.configuredRights()) {
            b.append("\n  ").append(r.pattern()).append(": ").append(r.jid()).append(r.control() ? " (controls" : " (reads")
                    .append(", by the configuration)");
        }
        for (Pending p : pending.values()) {
            b.append("\n  waiting ").append(p.number()).append(": ").append(p.jid()).append(" asks to read ").append(p.thing());
        }
        return b.length() == 0 ? "Nothing is shared and no request is waiting." : b.toString().strip();
    }

    /** Keeps {@code next} as the shares, on the card first: null when done, otherwise why not. */
    private String keep(List<ShareStore.Share> next) {
        try {
            store.save(next);
        } catch (IOException e) {
            log.warn("sharing: cannot write {}: {}", store.file(), e.getMessage());
            return "the shares cannot be written to " + store.file() + " (" + e.getMessage() + ").";
        }
        shares.clear();
        shares.addAll(next);
        access.share(rights());
        return null;
    }

    private List<ThingRight> rights() {
        return shares.stream().map(s -> new ThingRight(s.thing(), s.jid(), false)).toList();
    }

    private void expire() {
        long now = nanos.getAsLong();
        pending.values().removeIf(p -> now - p.atNanos() >= PENDING_FOR.toNanos());
    }

    private static Integer number(String text) {
        try {
            return Integer.valueOf(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String bare(String jid) {
        int slash = jid.indexOf('/');
        return (slash < 0 ? jid : jid.substring(0, slash)).toLowerCase(Locale.ROOT);
    }

    private void tell(Jid to, String text) {
        Session s = session;
        try {
            if (s == null || !s.chat(to, text)) {
                log.info("sharing: not connected; {} was not told: {}", to, text);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        applier.shutdownNow();
        try {
            applier.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
