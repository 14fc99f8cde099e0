package org.xmppiot.gateway.feature;

import java.util.List;
import java.util.Set;

/**
 * Chat commands a feature adds to the gateway's chat: the chat feature parses a line, answers its own verbs and hands
 * the others to whichever feature contributes them, so neither knows the other. Only owners, readers and those given
 * some thing get here, but for the verbs in {@link #strangerVerbs}.
 */
public interface ChatVerbs {

    /** The verbs this contributes, in lower case ({@code observe}, {@code unobserve}). */
    Set<String> verbs();

    /** Those of {@link #verbs} anyone may send, strangers too (asking for access); none unless said. */
    default Set<String> strangerVerbs() {
        return Set.of();
    }

    /** Its lines for {@code help}, indented like the chat's own. */
    List<String> help();

    /** The answer to {@code verb} with {@code args} from {@code from} (a full JID). */
    String run(String from, String verb, List<String> args);
}
