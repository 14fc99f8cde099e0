package org.xmppiot.gateway.observe;

import java.math.BigDecimal;

/**
 * One field an observer asked for, with the change that makes it an event (all null: the field is only
 * sent along). {@code changedBy} counts both ways, {@code changedUp} and {@code changedDown} one way;
 * {@code currentValue}, when given, is what the first change is measured from.
 */
public record FieldCondition(String name, BigDecimal changedBy, BigDecimal changedUp, BigDecimal changedDown, BigDecimal currentValue) {

    public static FieldCondition sendAlong(String name) {
        return new FieldCondition(name, null, null, null, null);
    }

    public boolean isTrigger() {
        return changedBy != null || changedUp != null || changedDown != null;
    }
}
