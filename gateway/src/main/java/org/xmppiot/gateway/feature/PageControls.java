package org.xmppiot.gateway.feature;

import java.util.List;

/**
 * What an owner may set from the status page: the writable channels, and the same command door, ranges and refusals
 * as XEP-0325 and chat {@code set}. The page knows nothing of things; the control feature knows nothing of HTTP.
 */
public interface PageControls {

    /** A channel that can be set, with what it takes ("on or off", "5 to 30 °C") for the form. */
    record Writable(String thing, String channel, String takes) {
    }

    List<Writable> writable();

    boolean isOwner(String bareJid);

    /** Sets {@code channel} of {@code thing} for {@code ownerJid}; null when done, otherwise why not, in one sentence. */
    String set(String ownerJid, String thing, String channel, String value);
}
