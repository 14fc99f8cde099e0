package org.xmppiot.gateway.observe;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;

/**
 * One observer's subscription to one thing, and the decision which readings become events. A reading
 * is an event when a trigger field moved far enough from the value last sent (and {@code minInterval}
 * has passed since the last event), or when {@code maxInterval} has passed without one. Without
 * trigger fields and without {@code maxInterval}, every reading is an event. Times are the readings'
 * own, so the decision does not depend on when a reading is processed.
 */
public final class Observation {

    private final String subscriber;
    private final String thingId;
    private final ObserveRequest request;
    private final boolean byChat;
    private final Map<String, BigDecimal> lastSent = new HashMap<>();
    private final Map<String, String> lastSentText = new HashMap<>();
    private Instant lastEvent;
    private Instant lastEvaluated = Instant.MIN;
    private long lastEvaluatedSequence = Long.MIN_VALUE;
    /** False until the readings taken before the subscription have gone by (see {@link #join}). */
    private boolean hearing = true;

    /**
     * @param byChat   made by a chat command: events go out as chat messages people can read
     * @param since    when counting {@code maxInterval} starts (the subscription's time)
     */
    public Observation(String subscriber, String thingId, ObserveRequest request, boolean byChat, Instant since) {
        this.subscriber = subscriber;
        this.thingId = thingId;
        this.request = request;
        this.byChat = byChat;
        this.lastEvent = since;
        base(null);
    }

    /**
     * Joins the observations that readings reach through a queue, in the one order that neither misses a reading nor
     * reports an old one: registered while deaf, hearing once the readings queued before this moment have gone by
     * ({@code afterPublished} runs the action it is given then), and based on the thing's latest values, read after
     * that moment was marked. Every reading is then either in the base or judged, and none taken before is news.
     *
     * @param register        adds this observation where the readings are handed out
     * @param afterPublished  runs an action once everything published so far has been handed out
     * @param latest          the thing's latest values (may give null)
     */
    public void join(Consumer<Observation> register, Consumer<Runnable> afterPublished, Supplier<Reading> latest) {
        synchronized (this) {
            hearing = false;
        }
        register.accept(this);
        afterPublished.accept(this::hear);
        base(latest.get());
    }

    /**
     * The values the first change is measured from: the thing's latest ({@code current}, may be null), then those the
     * observer said it has. Taken only while nothing has been judged yet.
     */
    private synchronized void base(Reading current) {
        if (lastEvaluatedSequence != Long.MIN_VALUE) {
            return;
        }
        if (current != null) {
            remember(current);
        }
        for (FieldCondition f : request.fields()) {
            if (f.currentValue() != null) {
                lastSent.put(f.name(), f.currentValue());
            }
        }
    }

    private synchronized void hear() {
        hearing = true;
    }

    public String subscriber() {
        return subscriber;
    }

    public String thingId() {
        return thingId;
    }

    public ObserveRequest request() {
        return request;
    }

    public boolean byChat() {
        return byChat;
    }

    /**
     * The event this reading makes, holding only the fields asked for, or null when it makes none.
     * Readings older than one already judged are ignored, and so is the one already judged; another reading of the
     * same millisecond (its own sequence number) is judged.
     */
    public synchronized Reading evaluate(Reading reading) {
        if (!hearing || !reading.thingId().equals(thingId) || !isNew(reading)) {
            return null;
        }
        judged(reading);
        Duration sinceLast = Duration.between(lastEvent, reading.timestamp());
        boolean maxDue = request.maxInterval() != null && sinceLast.compareTo(request.maxInterval()) >= 0;
        boolean minPassed = request.minInterval() == null || sinceLast.compareTo(request.minInterval()) >= 0;
        if (!maxDue && !(minPassed && changed(reading))) {
            return null;
        }
        Reading event = selected(reading);
        if (event.fields().isEmpty()) {
            return null;
        }
        lastEvent = reading.timestamp();
        remember(reading);
        return event;
    }

    /** The event for the current values, sent when asked for at once ({@code req}). */
    public synchronized Reading now(Reading current) {
        lastEvent = current.timestamp();
        judged(current);
        remember(current);
        Reading event = selected(current);
        return event.fields().isEmpty() ? null : event;
    }

    private boolean isNew(Reading reading) {
        int order = reading.timestamp().compareTo(lastEvaluated);
        return order > 0 || order == 0 && reading.sequence() != lastEvaluatedSequence;
    }

    private void judged(Reading reading) {
        lastEvaluated = reading.timestamp();
        lastEvaluatedSequence = reading.sequence();
    }

    private boolean changed(Reading reading) {
        boolean anyTrigger = false;
        for (FieldCondition c : request.fields()) {
            if (!c.isTrigger()) {
                continue;
            }
            anyTrigger = true;
            Field f = reading.field(c.name());
            if (f != null && movedEnough(c, f.value())) {
                return true;
            }
        }
        return !anyTrigger && request.maxInterval() == null;
    }

    private boolean movedEnough(FieldCondition c, FieldValue value) {
        BigDecimal now = number(value);
        if (now == null) {
            String before = lastSentText.get(c.name());
            return before == null || !before.equals(text(value));
        }
        BigDecimal before = lastSent.get(c.name());
        if (before == null) {
            return true; // Nothing to measure from: the first value is news.
        }
        BigDecimal delta = now.subtract(before);
        return c.changedBy() != null && delta.abs().compareTo(c.changedBy()) >= 0
                || c.changedUp() != null && delta.compareTo(c.changedUp()) >= 0
                || c.changedDown() != null && delta.negate().compareTo(c.changedDown()) >= 0;
    }

    private void remember(Reading reading) {
        for (Field f : reading.fields()) {
            BigDecimal n = number(f.value());
            if (n != null) {
                lastSent.put(f.name(), n);
            } else {
                lastSentText.put(f.name(), text(f.value()));
            }
        }
    }

    /** The reading with only the fields (and categories) the observer asked for. */
    private Reading selected(Reading reading) {
        List<Field> out = new ArrayList<>();
        for (Field f : reading.fields()) {
            boolean named = request.fields().isEmpty() || request.fields().stream().anyMatch(c -> c.name().equals(f.name()));
            boolean category = request.categories().isEmpty() || request.categories().contains(f.category());
            if (named && category) {
                out.add(f);
            }
        }
        return new Reading(reading.thingId(), reading.sequence(), reading.timestamp(), out);
    }

    /** Numbers, integers and booleans (as 1 and 0) are measured; text only changes or not. */
    private static BigDecimal number(FieldValue v) {
        if (v instanceof FieldValue.NumericValue n) {
            return n.value();
        }
        if (v instanceof FieldValue.IntegerValue i) {
            return BigDecimal.valueOf(i.value());
        }
        if (v instanceof FieldValue.BooleanValue b) {
            return b.value() ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        return null;
    }

    private static String text(FieldValue v) {
        return v instanceof FieldValue.StringValue s ? s.value() : String.valueOf(v);
    }
}
