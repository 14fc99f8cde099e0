package org.xmppiot.gateway.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.xmppiot.core.config.Secret;

/**
 * The local status page, {@code /metrics} and the JSON API ({@code http:}). Off unless enabled; on the loopback
 * address by default. Any other address asks who is there (a login by XMPP account, or HTTP basic authentication with
 * the password, user {@code user}) and is served over HTTPS ({@code tls}), with the certificate and key in {@code keystore} (PKCS#12, made at the first start when
 * missing; its password in the file beside it, {@code <keystore>.pass}). Where the page asks for a password, owners and
 * readers may instead log in with their XMPP account (XEP-0070), confirming within {@code loginTimeout}.
 */
public record HttpConfig(boolean enabled, String bind, int port, String user, Secret password, boolean tls, java.nio.file.Path keystore,
                         java.time.Duration loginTimeout) {

    public static final int DEFAULT_PORT = 8080;
    /** How long a login by XMPP waits for its confirmation. */
    public static final java.time.Duration DEFAULT_LOGIN_TIMEOUT = java.time.Duration.ofMinutes(2);

    public static HttpConfig off() {
        return new HttpConfig(false, "127.0.0.1", DEFAULT_PORT, "admin", null, false, null, DEFAULT_LOGIN_TIMEOUT);
    }

    /** Whether the page asks who is there: with a password, and always where other machines reach it. */
    public boolean asksWhoIsThere() {
        return password != null || !isLoopback(bind);
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
