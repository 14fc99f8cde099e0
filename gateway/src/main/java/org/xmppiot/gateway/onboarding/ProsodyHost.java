package org.xmppiot.gateway.onboarding;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;


/**
 * An XMPP server on this machine for a gateway whose user has none: a virtual host in Debian's Prosody with its own
 * self-signed certificate, encryption required, SCRAM logins, accounts by invite only (XEP-0401, Prosody's
 * mod_invites), a pub/sub component where the gateway may create nodes, and the gateway's account with a password
 * nobody has to type. Running it again keeps the certificate and the password.
 */
public final class ProsodyHost {

    /** What to set up: the domain, Prosody's main configuration, the port clients reach it on, the gateway's account name. */
    public record Plan(String domain, Path prosodyConfig, int port, String gatewayName) {
        Path hostFile() {
            return prosodyConfig.toAbsolutePath().getParent().resolve("conf.d").resolve(domain + ".cfg.lua");
        }

        Path certificate() {
            return prosodyConfig.toAbsolutePath().getParent().resolve("certs").resolve(domain + ".crt");
        }

        Path key() {
            return prosodyConfig.toAbsolutePath().getParent().resolve("certs").resolve(domain + ".key");
        }

        public String gatewayJid() {
            return gatewayName + "@" + domain;
        }
    }

    /** What was set up: the files, the certificate's SHA-256 fingerprint, whether Prosody was restarted to load it. */
    public record Done(Path hostFile, Path certificate, String fingerprint, boolean restarted) {
    }

    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final String PROSODY_USER = "prosody";

    private ProsodyHost() {
    }

    /** Checks a domain name before anything is written; null when it is usable, otherwise why not. */
    public static String domainProblem(String domain) {
        if (!DOMAIN.matcher(domain).matches() || domain.length() > 253) {
            return "'" + domain + "' is not a domain name: use lower-case letters, digits, '-' and dots, e.g. gw.example or "
                    + "raspberrypi.local";
        }
        return null;
    }

    /** Sets up the host; {@code password} is the gateway's account password; {@code say} is told each step. */
    public static Done setUp(Plan plan, String password, Consumer<String> say) throws ServerInitException, IOException, InterruptedException {
        Path prosodyctl = prosodyctl(say);
        if (!Files.isRegularFile(plan.prosodyConfig())) {
            throw new ServerInitException("no Prosody configuration at " + plan.prosodyConfig() + ": give it with --prosody-config");
        }
        if (!Files.readString(plan.prosodyConfig(), StandardCharsets.UTF_8).contains("conf.d/")) {
            throw new ServerInitException(plan.prosodyConfig() + " does not include conf.d/*.cfg.lua, where the new host goes:"
                    + " add the line Include \"conf.d/*.cfg.lua\" at its end");
        }
        if (!Files.exists(plan.certificate()) || !Files.exists(plan.key())) {
            say.accept("making a self-signed certificate for " + plan.domain() + " (" + plan.certificate() + ")");
            makeCertificate(plan);
        }
        Files.createDirectories(plan.hostFile().getParent());
        Files.writeString(plan.hostFile(), hostConfig(plan), StandardCharsets.UTF_8);
        say.accept("wrote " + plan.hostFile());
        run(List.of(prosodyctl.toString(), "--config", plan.prosodyConfig().toString(), "register", plan.gatewayName(), plan.domain(), password),
                "prosodyctl register " + plan.gatewayJid());
        say.accept("the gateway's account " + plan.gatewayJid() + " is ready");
        boolean restarted = restartIfService(plan, say);
        return new Done(plan.hostFile(), plan.certificate(), fingerprint(plan.certificate()), restarted);
    }

    static String hostConfig(Plan plan) {
        return """
                -- Written by `xmpp-iot-gateway server init` on %s: a server for the gateway and its owners.
                -- Accounts are made by invite only (XEP-0401): the gateway gives its owner one, owners may invite others
                -- from their XMPP app. Running `server init` again rewrites this file.
                VirtualHost %s
                    ssl = { certificate = %s; key = %s; }
                    c2s_require_encryption = true
                    authentication = "internal_hashed"
                    modules_enabled = { "roster"; "saslauth"; "tls"; "disco"; "ping"; "pep"; "smacks"; "carbons"; "offline";
                        "register"; "invites"; "invites_adhoc"; "invites_register" }
                    allow_registration = true
                    registration_invite_only = true
                    allow_user_invites = true
                    -- Debian's prosody.cfg.lua limits every client to 10 kB/s; the gateway publishes more than that.
                    unlimited_jids = { %s }

                Component %s "pubsub"
                    admins = { %s }
                    pubsub_max_items = 100
                """.formatted(LocalDate.now(), lua(plan.domain()), lua(plan.certificate().toString()), lua(plan.key().toString()),
                lua(plan.gatewayJid()), lua("pubsub." + plan.domain()), lua(plan.gatewayJid()));
    }

    private static void makeCertificate(Plan plan) throws ServerInitException, IOException, InterruptedException {
        Files.createDirectories(plan.certificate().getParent());
        Path openssl = onPath("openssl");
        if (openssl == null) {
            throw new ServerInitException("openssl is not installed: sudo apt-get install openssl");
        }
        String d = plan.domain();
        run(List.of(openssl.toString(), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-days", "3650", "-subj", "/CN=" + d, "-addext", "subjectAltName=DNS:" + d + ",DNS:pubsub." + d,
                "-keyout", plan.key().toString(), "-out", plan.certificate().toString()), "openssl req");
        // The key is read by the prosody user and nobody else.
        Files.setPosixFilePermissions(plan.key(), PosixFilePermissions.fromString("rw-r-----"));
        try {
            GroupPrincipal prosody = plan.key().getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(PROSODY_USER);
            Files.getFileAttributeView(plan.key(), PosixFileAttributeView.class).setGroup(prosody);
        } catch (IOException notRootOrNoGroup) {
            // Not root: Prosody runs as this user and reads its own key.
        }
        Files.setPosixFilePermissions(plan.certificate(), PosixFilePermissions.fromString("rw-r--r--"));
    }

    /** The certificate's SHA-256 fingerprint as apps show it (AB:CD:...). */
    public static String fingerprint(Path certificate) throws IOException {
        try (InputStream in = Files.newInputStream(certificate)) {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (CertificateException | NoSuchAlgorithmException e) {
            throw new IOException("cannot read the certificate " + certificate + ": " + e.getMessage(), e);
        }
    }

    /** Debian's Prosody under systemd is restarted to load the host; any other is left to the user. */
    private static boolean restartIfService(Plan plan, Consumer<String> say) throws IOException, InterruptedException {
        boolean systemd = Files.isDirectory(Path.of("/run/systemd/system"));
        if (!systemd || !plan.prosodyConfig().toAbsolutePath().normalize().equals(Path.of("/etc/prosody/prosody.cfg.lua"))) {
            return false;
        }
        say.accept("restarting Prosody (systemctl restart prosody)");
        try {
            run(List.of("systemctl", "enable", "--now", "prosody"), "systemctl enable prosody");
            run(List.of("systemctl", "restart", "prosody"), "systemctl restart prosody");
            return true;
        } catch (ServerInitException e) {
            say.accept(e.getMessage());
            return false;
        }
    }

    private static Path prosodyctl(Consumer<String> say) throws ServerInitException, IOException, InterruptedException {
        Path found = onPath("prosodyctl");
        if (found != null) {
            return found;
        }
        if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            throw new ServerInitException("Prosody is not installed: sudo apt-get install prosody, then run this again");
        }
        say.accept("installing Prosody from Debian (apt-get install -y prosody)");
        List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y", "--no-install-recommends", "prosody"));
        ProcessBuilder pb = new ProcessBuilder(install).redirectErrorStream(true);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new ServerInitException("apt-get install prosody failed: " + lastLine(output));
        }
        found = onPath("prosodyctl");
        if (found == null) {
            throw new ServerInitException("apt-get installed prosody, but prosodyctl is not on the PATH");
        }
        return found;
    }

    /** The program {@code name} in the PATH or the system's directories, or null. */
    private static Path onPath(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin"));
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst().orElse(null);
    }

    private static void run(List<String> command, String what) throws ServerInitException, IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new ServerInitException(what + " did not finish within 2 minutes");
        }
        if (p.exitValue() != 0) {
            throw new ServerInitException(what + " failed: " + lastLine(output));
        }
    }

    private static String lastLine(String output) {
        String[] lines = output.strip().split("\n");
        return lines.length == 0 ? "(no output)" : lines[lines.length - 1].strip();
    }

    private static String lua(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Setting up the server failed; the message is one sentence. */
    public static final class ServerInitException extends Exception {
        public ServerInitException(String message) {
            super(message);
        }
    }
}
