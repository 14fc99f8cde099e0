package org.xmppiot.gateway.onboarding;

/** Makes a JID an owner for good: written into the configuration's {@code access.owners} and applied at once. */
@FunctionalInterface
public interface Ownership {

    /** Null when {@code bareJid} is an owner now, otherwise why not, in one sentence. */
    String claim(String bareJid);
}
