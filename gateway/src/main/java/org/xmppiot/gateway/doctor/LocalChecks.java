package org.xmppiot.gateway.doctor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.xmppiot.core.config.Secret;
import org.xmppiot.gateway.config.GatewayConfig;
import org.xmppiot.gateway.config.HttpConfig;
import org.xmppiot.gateway.http.PageCertificate;

/**
 * What doctor checks on this machine besides devices: that password files are private, that the page's port is free,
 * and the page's HTTPS certificate.
 */
final class LocalChecks {

    List<Finding> check(GatewayConfig config) {
        List<Finding> findings = new ArrayList<>();
        secret(findings, config.xmpp().password(), "the XMPP password");
        if (config.http().password() != null) {
            secret(findings, config.http().password(), "the status page's password");
        }
        if (config.http().enabled()) {
            findings.add(port(config.http()));
            if (config.http().tls()) {
                findings.add(certificate(config.http()));
            }
        }
        return findings;
    }

    /** The page's HTTPS certificate: its fingerprint, for comparing with what a browser shows, and curl's pin. */
    private static Finding certificate(HttpConfig http) {
        try {
            PageCertificate c = PageCertificate.existing(http.keystore());
            if (c == null) {
                return Finding.ok("https", "the page is served over HTTPS with a certificate the gateway makes at its first start in "
                        + http.keystore() + "; run doctor again then for its fingerprint");
            }
            return Finding.ok("https", "the page's certificate (" + http.keystore() + ") has the SHA-256 fingerprint " + c.sha256()
                    + "; accept it in a browser only with this fingerprint; curl --pinnedpubkey " + c.pin());
        } catch (IOException e) {
            return Finding.warn("https", e.getMessage(), "remove " + http.keystore() + " and its .pass file, then restart the gateway");
        }
    }

    /** A password file others may read gives the account away to every user of the machine. */
    private static void secret(List<Finding> findings, Secret secret, String what) {
        Path file = Path.of(secret.origin());
        if (!Files.isRegularFile(file)) {
            return; // From the environment, not a file.
        }
        Set<PosixFilePermission> mode;
        try {
            mode = Files.getPosixFilePermissions(file);
        } catch (IOException | UnsupportedOperationException e) {
            return;
        }
        boolean others = mode.contains(PosixFilePermission.OTHERS_READ);
        boolean group = mode.contains(PosixFilePermission.GROUP_READ);
        if (others || group) {
            findings.add(Finding.warn("secrets", file + " (" + what + ") can be read by " + (others ? "every user of this machine" : "its group"),
                    "chmod 600 " + file + " (and chown it to the user the gateway runs as)"));
        } else {
            findings.add(Finding.ok("secrets", file + " (" + what + ") is readable by its owner only"));
        }
    }

    /** The page's port: free, or taken (by a gateway that already runs, or by another program). */
    private static Finding port(HttpConfig http) {
        String where = http.bind() + ":" + http.port();
        if (http.port() == 0) {
            return Finding.ok("http", "the status page takes a free port on " + http.bind() + " at each start");
        }
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(http.bind()), http.port()));
            return Finding.ok("http", "the status page's address " + where + " is free");
        } catch (IOException e) {
            return Finding.warn("http", "the status page's address " + where + " is taken (" + e.getMessage() + "): by this gateway if it"
                    + " runs already, else by another program, and then the gateway runs without its page",
                    "if the gateway is not running, choose another http.port (ss -ltnp shows who holds " + http.port() + ")");
        }
    }
}
