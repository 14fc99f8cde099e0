package org.xmppiot.gateway.observe;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.xmppiot.core.model.Category;

/**
 * What an observer asked for (IoT Events, {@code urn:xmpp:iot:events}): the things ({@code nodes}),
 * the fields with their change conditions (none: all fields, every reading), the categories (none: all),
 * at most one event per {@code minInterval}, at least one per {@code maxInterval}, and whether to send
 * the current values at once ({@code readNow}). Null intervals are not set.
 */
public record ObserveRequest(long seqnr, List<String> nodes, List<FieldCondition> fields, Set<Category> categories,
                             Duration minInterval, Duration maxInterval, boolean readNow) {

    public ObserveRequest {
        nodes = List.copyOf(nodes);
        fields = List.copyOf(fields);
        categories = Set.copyOf(categories);
    }
}
