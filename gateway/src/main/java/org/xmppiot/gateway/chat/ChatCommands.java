package org.xmppiot.gateway.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.MessageWithBodiesFilter;
import org.jivesoftware.smack.filter.OrFilter;
import org.jivesoftware.smack.filter.MessageTypeFilter;
import org.jivesoftware.smack.packet.Message;
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
import org.xmppiot.gateway.feature.ChatVerbs;
import org.xmppiot.gateway.xmpp.Session;
import org.xmppiot.gateway.xmpp.SessionListener;
import org.xmppiot.gateway.access.AccessPolicy;

/**
 * Plain chat for people with any XMPP client: one command per message, one short answer. Only
 * owners and readers get answers about things; anyone else is told they are not allowed.
 */
public final class ChatCommands implements SessionListener {

    private static final Logger log = LoggerFactory.getLogger(ChatCommands.class);
    private static final List<String> OWN_HELP = List.of(
            "  list                the things and their fields",
            "  read <thing>        its latest values",
            "  set <thing> <field> <value>   switch an output or change a setpoint (owners)",
            "  status              the gateway's connection, store and counters");

    /**
     * Answers per sender and minute: a loop with another bot, or a flood, ends here. A sender is a client (full JID)
     * for owners and readers, so one runaway client of an owner does not silence the owner's phone; anyone else is
     * counted by account, whatever resources it makes up.
     */
    static final int ANSWERS_PER_MINUTE = 30;
    /** Senders remembered before the counts of past minutes are forgotten. */
    private static final int SENDERS_KEPT = 1_024;

    private final AccessPolicy access;
    private final List<ChatVerbs> contributed;
    private final String help;
    private final LatestValueCache latest;
    private final ThingRegistry door;
    private final Supplier<String> status;
    private final java.util.Map<String, long[]> answered = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Session connection;

    /** With the verbs other features contribute ({@code contributed}), answered after the chat's own. */
    public ChatCommands(AccessPolicy access, LatestValueCache latest, ThingRegistry door, Supplier<String> status,
                        List<ChatVerbs> contributed) {
        this.access = access;
        this.latest = latest;
        this.door = door;
        this.status = status;
        this.contributed = List.copyOf(contributed);
        List<String> lines = new ArrayList<>(List.of("Commands:"));
        lines.addAll(OWN_HELP);
        contributed.forEach(v -> lines.addAll(v.help()));
        lines.add("  help                this text");
        this.help = String.join("\n", lines);
    }

    @Override
    public void sessionStarted(Session c) {
        connection = c;
        c.listen(new AndFilter(MessageWithBodiesFilter.INSTANCE, new OrFilter(MessageTypeFilter.CHAT, MessageTypeFilter.NORMAL)),
                stanza -> answer((Message) stanza));
    }

    private void answer(Message message) {
        if (message.getFrom() == null || message.getBody() == null) {
            return;
        }
        String from = message.getFrom().toString();
        boolean known = access.isKnown(message.getFrom());
        if (!withinRate(known ? from : message.getFrom().asBareJid().toString())) {
            return;
        }
        send(message.getFrom(), known ? run(from, message.getBody().trim()) : runForStranger(from, message.getBody().trim()));
    }

    /** A stranger may only send the verbs some feature offers to anyone (asking for access); nothing tells of things. */
    private String runForStranger(String from, String line) {
        List<String> words = List.of(line.split("\\s+"));
        String command = words.get(0).toLowerCase(Locale.ROOT);
        for (ChatVerbs v : contributed) {
            if (v.strangerVerbs().contains(command)) {
                return v.run(from, command, words.subList(1, words.size()));
            }
        }
        boolean mayAsk = contributed.stream().anyMatch(v -> !v.strangerVerbs().isEmpty());
        return "Sorry, you are not allowed to use this gateway. " + (mayAsk
                ? "To ask its owners for one of its things, send: request <thing>"
                : "Ask its owner to add you as a reader.");
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
        List<String> args = words.subList(1, words.size());
        return switch (command) {
            case "list" -> list(from);
            case "read" -> read(from, args);
            case "set" -> set(from, args);
            // The status names every thing: not for those given some things only.
            case "status" -> access.mayRead(from) ? status.get() : "status is for the gateway's owners and readers.";
            case "help", "?" -> help;
            default -> contributed.stream().filter(v -> v.verbs().contains(command)).findFirst()
                    .map(v -> v.run(from, command, args))
                    .orElse("Unknown command '" + words.get(0) + "'.\n" + help);
        };
    }

    private String list(String from) {
        Set<String> all = new TreeSet<>(door.ids());
        all.removeIf(thing -> !access.mayRead(from, thing));
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

    private String read(String from, List<String> args) {
        if (args.isEmpty()) {
            return "Which thing? read <thing>  (list shows them)";
        }
        String thing = args.get(0);
        if (door.thing(thing).isEmpty() || !access.mayRead(from, thing)) {
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
        // Owners, and controllers of the thing named.
        if (args.isEmpty() ? !access.isOwner(from) : !access.mayControl(from, args.get(0))) {
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

    private void send(Jid to, String text) {
        Session c = connection;
        if (c == null) {
            return;
        }
        try {
            if (!c.chat(to, text)) {
                log.debug("chat message to {} not sent: not connected", to);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
