package org.xmppiot.gateway.chat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.MessageWithBodiesFilter;
import org.jivesoftware.smack.filter.OrFilter;
import org.jivesoftware.smack.filter.MessageTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.Jid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.core.model.Category;
import org.xmppiot.core.model.Channel;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.thing.ThingRegistry;
import org.xmppiot.core.bus.LatestValueCache;
import org.xmppiot.core.model.Command;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.CommandRejectedException;
import org.xmppiot.gateway.watch.ReadingFormatter;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.gateway.observe.FieldCondition;
import org.xmppiot.gateway.observe.Observation;
import org.xmppiot.gateway.observe.ObserveRequest;
import org.xmppiot.gateway.observe.ObserveService;
import org.xmppiot.gateway.xmpp.SessionListener;
import org.xmppiot.gateway.access.AccessPolicy;

/**
 * Plain chat for people with any XMPP client: one command per message, one short answer. Only
 * owners and readers get answers about things; anyone else is told they are not allowed.
 */
public final class ChatCommands implements SessionListener {

    private static final Logger log = LoggerFactory.getLogger(ChatCommands.class);
    static final String HELP = String.join("\n",
            "Commands:",
            "  list                the things and their fields",
            "  read <thing>        its latest values",
            "  set <thing> <field> <value>   switch an output or change a setpoint (owners)",
            "  status              the gateway's connection, store and counters",
            "  observe <thing> [<field> <change>]... [every <time>] [min <time>]",
            "      send me <thing>'s values when <field> changes by <change> (all fields, every reading, without),",
            "      at least every <time>, at most every min <time>; times like 30s, 5m, 1h",
            "  unobserve <thing>   stop that",
            "  observing           what I send you",
            "  help                this text");

    /**
     * Answers per sender and minute: a loop with another bot, or a flood, ends here. A sender is a client (full JID)
     * for owners and readers, so one runaway client of an owner does not silence the owner's phone; anyone else is
     * counted by account, whatever resources it makes up.
     */
    static final int ANSWERS_PER_MINUTE = 30;
    /** Senders remembered before the counts of past minutes are forgotten. */
    private static final int SENDERS_KEPT = 1_024;

    private final AccessPolicy access;
    private final ObserveService observe;
    private final LatestValueCache latest;
    private final ThingRegistry door;
    private final Supplier<String> status;
    private final java.util.Map<String, long[]> answered = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile XMPPConnection connection;

    public ChatCommands(AccessPolicy access, ObserveService observe, LatestValueCache latest, ThingRegistry door,
                        Supplier<String> status) {
        this.access = access;
        this.observe = observe;
        this.latest = latest;
        this.door = door;
        this.status = status;
        observe.chatSender((to, line) -> send(to, line.text(), line));
    }

    @Override
    public void sessionStarted(XMPPTCPConnection c) {
        connection = c;
        c.addAsyncStanzaListener(stanza -> answer((Message) stanza), new AndFilter(MessageWithBodiesFilter.INSTANCE,
                new OrFilter(MessageTypeFilter.CHAT, MessageTypeFilter.NORMAL)));
    }

    private void answer(Message message) {
        if (message.getFrom() == null || message.getBody() == null) {
            return;
        }
        String from = message.getFrom().toString();
        boolean known = access.mayRead(message.getFrom());
        if (!withinRate(known ? from : message.getFrom().asBareJid().toString())) {
            return;
        }
        String reply = known
                ? run(from, message.getBody().trim())
                : "Sorry, you are not allowed to use this gateway. Ask its owner to add you as a reader.";
        send(message.getFrom(), reply, null);
    }

    /** Counts an answer to {@code sender} in the current minute; false once the minute's share is used. */
    private boolean withinRate(String sender) {
        long minute = System.nanoTime() / 60_000_000_000L;
        if (answered.size() > SENDERS_KEPT) {
            answered.values().removeIf(w -> w[0] != minute);
        }
        long[] window = answered.compute(sender, (k, w) -> w == null || w[0] != minute ? new long[] {minute, 0} : w);
        synchronized (window) {
            return ++window[1] <= ANSWERS_PER_MINUTE;
        }
    }

    /** The answer to one command line from {@code from}. */
    String run(String from, String line) {
        List<String> words = List.of(line.split("\\s+"));
        String command = words.get(0).toLowerCase(Locale.ROOT);
        return switch (command) {
            case "observe" -> observe(from, words.subList(1, words.size()));
            case "unobserve" -> unobserve(from, words.subList(1, words.size()));
            case "observing" -> observing(from);
            case "list" -> list();
            case "read" -> read(words.subList(1, words.size()));
            case "set" -> set(from, words.subList(1, words.size()));
            case "status" -> status.get();
            case "help", "?" -> HELP;
            default -> "Unknown command '" + words.get(0) + "'.\n" + HELP;
        };
    }

    private String observe(String from, List<String> args) {
        if (args.isEmpty()) {
            return "Which thing? observe <thing> [<field> <change>]... [every <time>] [min <time>]";
        }
        String thing = args.get(0);
        List<FieldCondition> fields = new ArrayList<>();
        Duration every = null;
        Duration min = null;
        for (int i = 1; i < args.size(); i += 2) {
            if (i + 1 >= args.size()) {
                return "'" + args.get(i) + "' needs a value after it, e.g. '" + args.get(i) + " 0.5' or 'every 5m'.";
            }
            String key = args.get(i);
            String value = args.get(i + 1);
            try {
                if ("every".equalsIgnoreCase(key)) {
                    every = duration(value);
                } else if ("min".equalsIgnoreCase(key)) {
                    min = duration(value);
                } else {
                    BigDecimal change = new BigDecimal(value);
                    if (change.signum() < 0) {
                        return "A change must not be negative: " + value;
                    }
                    fields.add(new FieldCondition(key, change, null, null, null));
                }
            } catch (NumberFormatException e) {
                return "'" + value + "' is not a number; write e.g. '" + key + " 0.5'.";
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        if (min != null && every != null && min.compareTo(every) > 0) {
            return "min " + human(min) + " is longer than every " + human(every) + ".";
        }
        for (Observation o : observe.observationsOf(from)) {
            if (o.thingId().equals(thing)) {
                observe.unsubscribe(from, o.request().seqnr());
            }
        }
        long seqnr = observe.observationsOf(from).stream().mapToLong(o -> o.request().seqnr()).max().orElse(0) + 1;
        try {
            observe.subscribe(from, new ObserveRequest(seqnr, List.of(thing), fields, Set.of(), min, every, false), true);
        } catch (ObserveService.Refusal r) {
            return "Cannot observe " + thing + ": " + r.getMessage() + ".";
        }
        return "Observing " + thing + ": " + describe(fields, every, min) + ". Stop with: unobserve " + thing;
    }

    private String list() {
        Set<String> all = new TreeSet<>(door.ids());
        if (all.isEmpty()) {
            return "No things.";
        }
        StringBuilder b = new StringBuilder("Things:");
        for (String thing : all) {
            List<String> fields = latest.fields(thing).stream().map(f -> f.field())
                    .filter(f -> f.category() != Category.STATUS).map(Field::name).toList();
            if (fields.isEmpty()) {
                fields = door.thing(thing).map(t -> t.channels().stream().map(Channel::name).toList()).orElse(List.of());
            }
            b.append("\n  ").append(thing).append(statusUnlessOnline(thing))
                    .append(fields.isEmpty() ? " (no values yet)" : ": " + String.join(", ", fields));
        }
        return b.toString();
    }

    /** " (offline: why)" for a thing that is not online, nothing for one that is. */
    private String statusUnlessOnline(String thing) {
        return door.thing(thing).filter(t -> !t.status().isOnline()).map(t -> " (" + t.status() + ")").orElse("");
    }

    private String read(List<String> args) {
        if (args.isEmpty()) {
            return "Which thing? read <thing>  (list shows them)";
        }
        String thing = args.get(0);
        if (door.thing(thing).isEmpty()) {
            return "No thing '" + thing + "'. list shows them.";
        }
        Reading now = latest.latest(thing);
        if (now == null) {
            return thing + " has no values yet" + statusUnlessOnline(thing) + ".";
        }
        // The status only when it is news: "online" on every line would hide the values.
        List<Field> values = now.fields().stream().filter(f -> f.category() != Category.STATUS).toList();
        return ReadingFormatter.format(new Reading(now.thingId(), now.sequence(), now.timestamp(), values)) + statusUnlessOnline(thing);
    }

    private String set(String from, List<String> args) {
        if (!access.isOwner(from)) {
            return "Only the gateway's owners may set values.";
        }
        if (args.size() < 3) {
            return "set <thing> <field> <value>, e.g. set shed pump on";
        }
        String value = String.join(" ", args.subList(2, args.size()));
        try {
            door.execute(new Command(args.get(0), args.get(1), new FieldValue.StringValue(value), from));
            return "Done: " + args.get(0) + " " + args.get(1) + " = " + value + ".";
        } catch (CommandRejectedException e) {
            return "Not done: " + e.getMessage() + ".";
        }
    }

    private String unobserve(String from, List<String> args) {
        if (args.isEmpty()) {
            return "Which thing? unobserve <thing>";
        }
        boolean any = false;
        for (Observation o : observe.observationsOf(from)) {
            if (o.thingId().equals(args.get(0))) {
                any |= observe.unsubscribe(from, o.request().seqnr());
            }
        }
        return any ? "Stopped observing " + args.get(0) + "." : "You were not observing " + args.get(0) + ".";
    }

    private String observing(String from) {
        List<Observation> mine = observe.observationsOf(from);
        if (mine.isEmpty()) {
            return "You observe nothing. Try: observe <thing>";
        }
        StringBuilder b = new StringBuilder("You observe:");
        for (Observation o : mine) {
            ObserveRequest r = o.request();
            b.append("\n  ").append(o.thingId()).append(": ").append(describe(r.fields(), r.maxInterval(), r.minInterval()));
        }
        return b.toString();
    }

    private static String describe(List<FieldCondition> fields, Duration every, Duration min) {
        List<String> parts = new ArrayList<>();
        for (FieldCondition f : fields) {
            parts.add(f.name() + " changes by " + f.changedBy().toPlainString());
        }
        if (parts.isEmpty() && every == null) {
            parts.add("every reading");
        }
        if (every != null) {
            parts.add("at least every " + human(every));
        }
        if (min != null) {
            parts.add("at most every " + human(min));
        }
        return String.join(", ", parts);
    }

    private static Duration duration(String text) {
        Duration d = ConfigNode.parseDuration(text);
        if (d == null) {
            throw new IllegalArgumentException("'" + text + "' is not a time; write e.g. 30s, 5m, 1h.");
        }
        return d;
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private void send(Jid to, String text, ObserveService.ChatLine data) {
        XMPPConnection c = connection;
        if (c == null) {
            return;
        }
        var builder = c.getStanzaFactory().buildMessageStanza().to(to).ofType(Message.Type.chat).setBody(text);
        if (data != null) {
            builder.addExtension(data.data());
        }
        try {
            c.sendStanza(builder.build());
        } catch (SmackException.NotConnectedException e) {
            log.debug("chat message to {} not sent: not connected", to);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
