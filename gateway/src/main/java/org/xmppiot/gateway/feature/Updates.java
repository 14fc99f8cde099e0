package org.xmppiot.gateway.feature;

/**
 * Asking the gateway to move to another version of its package: the ad-hoc command takes the request, the update feature
 * hands it to the package's privileged helper, without knowing each other.
 */
public interface Updates {

    /** Asks for {@code version}; null when it is requested, otherwise why not, in one sentence. */
    String request(String version, String requester);
}
