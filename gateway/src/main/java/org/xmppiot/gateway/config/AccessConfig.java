package org.xmppiot.gateway.config;

import java.util.List;

/**
 * Who may use the gateway: owners read and control, readers only read, each of {@code things} gives readers and
 * controllers of the things its pattern matches. Everyone else is refused.
 */
public record AccessConfig(List<String> owners, List<String> readers, List<ThingAccess> things) {

    public AccessConfig {
        owners = List.copyOf(owners);
        readers = List.copyOf(readers);
        things = List.copyOf(things);
    }

    /** Only the global lists. */
    public AccessConfig(List<String> owners, List<String> readers) {
        this(owners, readers, List.of());
    }

    /** Owners and readers together, owners first, without repeats. */
    public List<String> everyone() {
        return java.util.stream.Stream.concat(owners.stream(), readers.stream()).distinct().toList();
    }

    /**
     * {@code access.things.PATTERN}: who may read (readers) or read and control (controllers) the things whose id
     * {@code pattern} matches, a thing id where {@code *} stands for any run of characters ({@code shed-*}).
     */
    public record ThingAccess(String pattern, List<String> readers, List<String> controllers) {
        public ThingAccess {
            readers = List.copyOf(readers);
            controllers = List.copyOf(controllers);
        }

        public boolean matches(String thing) {
            return matches(pattern, thing);
        }

        /** Whether thing id {@code thing} is what {@code pattern} (a thing id, {@code *} for any run of characters) names. */
        public static boolean matches(String pattern, String thing) {
            return glob(pattern, 0, thing, 0);
        }

        private static boolean glob(String p, int i, String s, int j) {
            if (i == p.length()) {
                return j == s.length();
            }
            if (p.charAt(i) == '*') {
                for (int k = j; k <= s.length(); k++) {
                    if (glob(p, i + 1, s, k)) {
                        return true;
                    }
                }
                return false;
            }
            return j < s.length() && p.charAt(i) == s.charAt(j) && glob(p, i + 1, s, j + 1);
        }
    }
}
