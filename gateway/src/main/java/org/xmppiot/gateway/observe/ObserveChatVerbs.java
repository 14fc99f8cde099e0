package org.xmppiot.gateway.observe;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.gateway.feature.ChatVerbs;

/** Observing by chat: {@code observe}, {@code unobserve} and {@code observing}, on the same subscriptions as XEP IoT events. */
public final class ObserveChatVerbs implements ChatVerbs {

    private final ObserveService observe;

    public ObserveChatVerbs(ObserveService observe) {
        this.observe = observe;
    }

    @Override
    public Set<String> verbs() {
        return Set.of("observe", "unobserve", "observing");
    }

    @Override
    public List<String> help() {
        return List.of(
                "  observe <thing> [<field> <change>]... [every <time>] [min <time>]",
                "      send me <thing>'s values when <field> changes by <change> (all fields, every reading, without),",
                "      at least every <time>, at most every min <time>; times like 30s, 5m, 1h",
                "  unobserve <thing>   stop that",
                "  observing           what I send you");
    }

    @Override
    public String run(String from, String verb, List<String> args) {
        return switch (verb) {
            case "observe" -> observe(from, args);
            case "unobserve" -> unobserve(from, args);
            default -> observing(from);
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
}
