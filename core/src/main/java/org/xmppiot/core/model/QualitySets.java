package org.xmppiot.core.model;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Quality-flag sets as fields keep them: unmodifiable, in the enum's order, and one shared set for each single flag.
 * Every field of every reading has its flags, nearly always just one; copying them (a hash set and an immutable set a
 * field) was most of what a serial reading allocated.
 */
final class QualitySets {

    private static final Set<Quality> NONE = Set.of();
    private static final Set<Quality>[] SINGLE = singles();

    private QualitySets() {
    }

    static Set<Quality> of(Set<Quality> flags) {
        // Usually one of the shared sets already (Field.readout passes one): kept as it is, found by identity, without a
        // call through the Set interface (several kinds of sets come here, so such calls are not inlined).
        for (Set<Quality> shared : SINGLE) {
            if (shared == flags) {
                return flags;
            }
        }
        if (flags == null || flags.isEmpty()) {
            return NONE;
        }
        if (flags.size() == 1) {
            return single(flags.iterator().next());
        }
        return Collections.unmodifiableSet(EnumSet.copyOf(flags));
    }

    static Set<Quality> single(Quality flag) {
        return SINGLE[flag.ordinal()];
    }

    @SuppressWarnings("unchecked")
    private static Set<Quality>[] singles() {
        Quality[] all = Quality.values();
        Set<Quality>[] sets = new Set[all.length];
        for (Quality q : all) {
            sets[q.ordinal()] = Collections.unmodifiableSet(EnumSet.of(q));
        }
        return sets;
    }
}
