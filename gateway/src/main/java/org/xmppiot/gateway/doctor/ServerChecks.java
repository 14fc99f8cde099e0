package org.xmppiot.gateway.doctor;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import javax.naming.NamingException;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.time.EntityTimeManager;
import org.jivesoftware.smackx.time.packet.Time;
import org.jxmpp.jid.impl.JidCreate;
import org.xmppiot.gateway.config.XmppConfig;
import org.xmppiot.gateway.xmpp.XmppConnectionFactory;
import org.xmppiot.gateway.xmpp.XmppFailures;

/**
 * The way to the XMPP server, step by step as the gateway goes it: DNS SRV, TCP, STARTTLS and the server's
 * certificate, the SCRAM login, and this machine's clock against the server's (XEP-0202).
 */
final class ServerChecks {

    /** Certificates that end sooner than this are worth a warning. */
    static final Duration CERTIFICATE_WARNING = Duration.ofDays(14);
    /** A clock further off than this breaks certificate checks sooner or later, and readings carry wrong times. */
    static final Duration CLOCK_TOLERANCE = Duration.ofSeconds(10);

    private final XmppConfig config;

    ServerChecks(XmppConfig config) {
        this.config = config;
    }

    List<Finding> check() {
        List<Finding> findings = new ArrayList<>();
        findings.add(dns());
        findings.addAll(connectAndLogIn());
        return findings;
    }

    private Finding dns() {
        if (config.server() != null) {
            try {
                InetAddress[] addresses = InetAddress.getAllByName(config.server());
                return Finding.ok("dns", "xmpp.server " + config.server() + " is " + Arrays.stream(addresses)
                        .map(InetAddress::getHostAddress).toList() + " (SRV records are not used when the server is given)");
            } catch (UnknownHostException e) {
                return Finding.fail("dns", "xmpp.server " + config.server() + " has no address", "check the name, and the DNS "
                        + "servers in /etc/resolv.conf");
            }
        }
        String name = "_xmpp-client._tcp." + config.domain();
        try {
            List<SrvLookup.Target> targets = SrvLookup.lookup(name);
            if (!targets.isEmpty()) {
                return Finding.ok("dns", name + " -> " + targets);
            }
            InetAddress.getAllByName(config.domain());
            return Finding.warn("dns", name + " has no SRV record; the gateway falls back to " + config.domain() + ":5222",
                    "publish an SRV record for the domain, or set xmpp.server and xmpp.port");
        } catch (NamingException | UnknownHostException e) {
            return Finding.fail("dns", "cannot look up " + name + " or " + config.domain() + ": " + e.getMessage(),
                    "check the network and the DNS servers in /etc/resolv.conf, or set xmpp.server and xmpp.port");
        }
    }

    private List<Finding> connectAndLogIn() {
        List<Finding> findings = new ArrayList<>();
        AtomicReference<X509Certificate[]> chain = new AtomicReference<>();
        XMPPTCPConnection connection;
        try {
            connection = XmppConnectionFactory.create(config.withResource("doctor"), chain::set);
        } catch (Exception e) {
            findings.add(Finding.fail("xmpp", "cannot set up the connection: " + e.getMessage(), "check xmpp.jid and xmpp.ca-file"));
            return findings;
        }
        try {
            connection.connect();
            findings.add(tls(connection, chain.get()));
            connection.login();
            findings.add(Finding.ok("login", config.jid() + " logged in with SCRAM, password from " + config.password().origin()));
            findings.add(serverClock(connection));
            findings.add(nodeCreation(connection));
        } catch (Exception e) {
            if (chain.get() != null && !connection.isSecureConnection()) {
                Finding dates = certificate(chain.get());
                if (dates.status() != Finding.Status.OK) {
                    findings.add(dates); // A clock far off makes any certificate look wrong: say that first.
                }
            }
            // The sentence says what to do itself, or the fix does.
            findings.add(Finding.fail(connection.isConnected() && connection.isSecureConnection() ? "login" : "xmpp",
                    XmppFailures.describe(e, config), XmppFailures.fix(e, config)));
        } finally {
            connection.disconnect();
        }
        return findings;
    }

    private Finding tls(XMPPTCPConnection connection, X509Certificate[] chain) {
        String where = connection.getHost() + ":" + connection.getPort();
        if (!connection.isSecureConnection()) {
            return config.tls() == XmppConfig.TlsMode.DISABLED
                    ? Finding.ok("tls", where + " reached without TLS (tls: disabled, allowed for a server on this machine)")
                    : Finding.fail("tls", where + " is not encrypted", "enable STARTTLS on the server");
        }
        Finding cert = chain == null ? null : certificate(chain);
        if (cert != null && cert.status() != Finding.Status.OK) {
            return cert;
        }
        return Finding.ok("tls", where + ": STARTTLS, certificate verified for " + config.domain() + (cert == null ? "" : ", " + cert.detail()));
    }

    /** The leaf certificate's dates against this machine's clock: a wrong clock shows here first. */
    static Finding certificate(X509Certificate[] chain) {
        X509Certificate leaf = chain[0];
        Instant now = Instant.now();
        Instant notBefore = leaf.getNotBefore().toInstant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        String who = leaf.getSubjectX500Principal().getName() + " issued by " + leaf.getIssuerX500Principal().getName();
        if (now.isBefore(notBefore)) {
            return Finding.fail("tls", "the server's certificate (" + who + ") is valid only from " + notBefore
                    + ", and this machine's clock says " + now, "set the clock: sudo timedatectl set-ntp true (a Pi has no "
                    + "battery-backed clock and needs network time)");
        }
        if (now.isAfter(notAfter)) {
            return Finding.fail("tls", "the server's certificate (" + who + ") expired on " + notAfter,
                    "renew the server's certificate, or check this machine's clock if that date has not come yet");
        }
        String until = "valid until " + LocalDate.ofInstant(notAfter, ZoneOffset.UTC);
        if (Duration.between(now, notAfter).compareTo(CERTIFICATE_WARNING) < 0) {
            return Finding.warn("tls", "the server's certificate (" + who + ") is " + until, "renew the server's certificate soon");
        }
        return Finding.ok("tls", until);
    }

    private Finding serverClock(XMPPTCPConnection connection) {
        try {
            Instant asked = Instant.now();
            Time time = EntityTimeManager.getInstanceFor(connection).getTime(JidCreate.from(config.domain()));
            Instant answered = Instant.now();
            Instant server = time.getTime().toInstant();
            Instant ours = asked.plus(Duration.between(asked, answered).dividedBy(2));
            Duration off = Duration.between(server, ours);
            String detail = "this machine's clock is " + seconds(off) + " from the server's";
            if (off.abs().compareTo(CLOCK_TOLERANCE) > 0) {
                return Finding.fail("clock", detail, "set the clock: sudo timedatectl set-ntp true");
            }
            return Finding.ok("clock", detail);
        } catch (Exception e) {
            return Finding.warn("clock", "the server does not tell its time (XEP-0202): " + XmppFailures.describe(e, config),
                    "nothing to fix if the local clock check above is ok");
        }
    }

    /**
     * Where the gateway will publish, found by creating a probe node and deleting it: on the configured pub/sub service,
     * or, when that refuses, on the account's own PEP service (the gateway falls back to it); a gateway that may use
     * neither comes online and answers, but publishes nothing until it may.
     */
    private Finding nodeCreation(XMPPTCPConnection connection) {
        String own = config.jid();
        if (config.pubsub().pep()) {
            String refused = probe(connection, own);
            return refused == null ? Finding.ok("pubsub", own + " publishes to its own PEP nodes (pubsub.service: pep)")
                    : Finding.fail("pubsub", "the PEP service of " + own + " refused a node (" + refused + ")",
                            "enable PEP on the server (Prosody: mod_pep), or set xmpp.pubsub.service to a pub/sub service");
        }
        String service = config.pubsub().service();
        String refused = probe(connection, service);
        if (refused == null) {
            return Finding.ok("pubsub", own + " may create nodes on " + service + ": the gateway publishes there");
        }
        String fix = refused.startsWith("forbidden") || refused.startsWith("not-allowed") || refused.startsWith("not-authorized")
                ? "to publish on " + service + ", list " + own + " in the admins of its Component \"" + service + "\" block on Prosody,"
                        + " or allow it in mod_pubsub's access_createnode on ejabberd"
                : "check xmpp.pubsub.service: it must name the server's pub/sub service, often pubsub." + config.domain();
        if (probe(connection, own) == null) {
            return Finding.warn("pubsub", service + " does not let " + own + " create nodes (" + refused + "): the gateway publishes to"
                    + " its own PEP nodes instead; readers subscribe there, with pubsub.service: " + own + " in their configuration", fix);
        }
        return Finding.fail("pubsub", service + " does not let " + own + " create nodes (" + refused + "), nor does its PEP service:"
                + " the gateway comes online and answers, but publishes nothing until it may", fix);
    }

    /** Null when {@code service} lets the account create (and delete) a node; otherwise what it answered. */
    private String probe(XMPPTCPConnection connection, String service) {
        String node = config.pubsub().nodeFor("doctor-probe-" + Long.toString(System.nanoTime() & 0xffffff, 36));
        try {
            org.jivesoftware.smackx.pubsub.PubSubManager pubsub = org.jivesoftware.smackx.pubsub.PubSubManager.getInstanceFor(connection,
                    org.jxmpp.jid.impl.JidCreate.bareFrom(service));
            pubsub.createNode(node);
            pubsub.deleteNode(node);
            return null;
        } catch (org.jivesoftware.smack.XMPPException.XMPPErrorException e) {
            return e.getStanzaError().getCondition().toString();
        } catch (Exception e) {
            return "no answer as a pub/sub service: " + XmppFailures.describe(e, config);
        }
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%+.1f s", d.toMillis() / 1000.0);
    }
}
