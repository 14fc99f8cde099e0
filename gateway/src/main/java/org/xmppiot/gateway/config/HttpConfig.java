package org.xmppiot.gateway.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.xmppiot.core.config.Secret;

/**
 * The local status page, {@code /metrics} and the JSON API ({@code http:}). Off unless enabled; on the loopback
 * address by default. Any other address needs a password (HTTP basic authentication, user {@code user}).
 */
public record HttpConfig(boolean enabled, String bind, int port, String user, Secret password) {

    public static final int DEFAULT_PORT = 8080;

    public static HttpConfig off() {
        return new HttpConfig(false, "127.0.0.1", DEFAULT_PORT, "admin", null);
    }

    /** Whether {@code bind} is an address only this machine can reach. */
    public static boolean isLoopback(String bind) {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
