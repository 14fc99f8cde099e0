package org.xmppiot.gateway.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.xmppiot.core.config.Secret;

/**
 * The local status page, {@code /metrics} and the JSON API ({@code http:}). Off unless enabled; on the loopback
 * address by default. Any other address needs a password (HTTP basic authentication, user {@code user}) and is served
 * over HTTPS ({@code tls}), with the certificate and key in {@code keystore} (PKCS#12, made at the first start when
 * missing; its password in the file beside it, {@code <keystore>.pass}).
 */
public record HttpConfig(boolean enabled, String bind, int port, String user, Secret password, boolean tls, java.nio.file.Path keystore) {

    public static final int DEFAULT_PORT = 8080;

    public static HttpConfig off() {
        return new HttpConfig(false, "127.0.0.1", DEFAULT_PORT, "admin", null, false, null);
    }

    /** How the page is reached: {@code https://bind:port/} or {@code http://...}. */
    public String scheme() {
        return tls ? "https" : "http";
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
