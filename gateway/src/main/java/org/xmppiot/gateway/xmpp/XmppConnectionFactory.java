package org.xmppiot.gateway.xmpp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Consumer;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.ReconnectionManager;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jxmpp.stringprep.XmppStringprepException;
import org.xmppiot.gateway.config.XmppConfig;

/** Makes Smack connections from the gateway's XMPP settings: TLS as configured, SCRAM only, no Nagle. */
public final class XmppConnectionFactory {

    /** Only salted challenge-response logins: the password itself never crosses the wire. */
    static final List<String> SASL_MECHANISMS = List.of("SCRAM-SHA-1");

    static {
        SmackManagers.leaveOutUnused();
    }

    private XmppConnectionFactory() {
    }

    public static GuardedTcpConnection create(XmppConfig config) throws XmppStringprepException, IOException, GeneralSecurityException {
        return create(config, null);
    }

    /**
     * The same, and {@code certificates} is shown the server's certificate chain (leaf first) before it is judged,
     * trusted or not; for {@code doctor}, which reports on it.
     */
    public static GuardedTcpConnection create(XmppConfig config, Consumer<X509Certificate[]> certificates)
            throws XmppStringprepException, IOException, GeneralSecurityException {
        XMPPTCPConnectionConfiguration.Builder b = XMPPTCPConnectionConfiguration.builder()
                .setXmppAddressAndPassword(config.jid(), config.password().reveal())
                .setResource(config.resource())
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setSocketFactory(new NoDelaySocketFactory())
                .addEnabledSaslMechanism(SASL_MECHANISMS)
                .setSecurityMode(config.tls() == XmppConfig.TlsMode.REQUIRED ? SecurityMode.required : SecurityMode.disabled);
        if (config.server() != null) {
            b.setHost(config.server()).setPort(config.port());
        }
        // With ca-file only the chain is judged by our CAs; Smack still checks the certificate against the domain.
        X509TrustManager trust = config.caFile() != null ? trustManager(config.caFile()) : null;
        if (certificates != null) {
            trust = new ObservingTrustManager(trust != null ? trust : trustManager((KeyStore) null), certificates);
        }
        if (trust == null && config.tls() == XmppConfig.TlsMode.DISABLED) {
            // Smack makes a TLS context for every connection, TLS or not; with no trust manager of ours that parses the
            // system's CA certificates (some 140, most of a MiB of heap, kept) for a connection that never judges one.
            trust = TRUSTS_NOTHING;
        }
        if (trust != null) {
            b.setCustomX509TrustManager(trust);
        }
        GuardedTcpConnection connection = new GuardedTcpConnection(b.build());
        connection.setReplyTimeout(config.connectTimeout().toMillis());
        // XEP-0198 is for the gateway's own long session, which the uplink resumes after a drop and turns it on for;
        // short-lived clients (watch, fleet, doctor) have nothing to resume.
        connection.setUseStreamManagement(false);
        // Presence subscriptions are answered by PresenceAccess, never automatically (Smack's default refuses all).
        Roster.getInstanceFor(connection).setSubscriptionMode(Roster.SubscriptionMode.manual);
        // Reconnecting is the uplink's job (with its own backoff and messages), not Smack's.
        ReconnectionManager.getInstanceFor(connection).disableAutomaticReconnection();
        return connection;
    }

    /** Trusts exactly the CA certificates in a PEM file. */
    static X509TrustManager trustManager(Path caFile) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, c);
            }
        }
        try {
            return trustManager(store);
        } catch (GeneralSecurityException e) {
            throw new GeneralSecurityException("no X.509 trust manager for " + caFile, e);
        }
    }

    /** The trust manager for the CAs in {@code store}; null means the system's CAs. */
    private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager tm : factory.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /** For a connection without TLS: no certificate is ever trusted, should one be shown. */
    private static final X509TrustManager TRUSTS_NOTHING = new X509TrustManager() {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("TLS is off for this connection (xmpp.tls: disabled)");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("TLS is off for this connection (xmpp.tls: disabled)");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };

    /** Shows the server's chain to an observer, then lets the real trust manager judge it. */
    private record ObservingTrustManager(X509TrustManager judge, Consumer<X509Certificate[]> observer) implements X509TrustManager {

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            observer.accept(chain.clone());
            judge.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            judge.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return judge.getAcceptedIssuers();
        }
    }
}
