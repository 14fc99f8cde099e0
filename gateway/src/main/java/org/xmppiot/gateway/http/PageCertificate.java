package org.xmppiot.gateway.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The status page's own certificate, for HTTPS on an address other machines reach: made once with the JDK's keytool
 * (an EC key, ten years, the machine's name) into a PKCS#12 keystore readable by the gateway's user only, its
 * password in {@code <keystore>.pass} beside it. Browsers cannot know it, so its SHA-256 fingerprint is shown (log,
 * {@code doctor}) for the user to compare with what the browser shows, and the public key's pin for
 * {@code curl --pinnedpubkey}.
 *
 * @param sha256 the certificate's SHA-256 fingerprint as browsers show it (AB:CD:...)
 * @param pin    {@code sha256//BASE64} of the public key, as curl takes it
 */
public record PageCertificate(Path keystore, String password, String sha256, String pin) {

    /** The keystore's certificate; made first when the file does not exist yet. */
    public static PageCertificate loadOrMake(Path keystore) throws IOException {
        if (!Files.exists(keystore)) {
            make(keystore);
        }
        return load(keystore);
    }

    /** The certificate of an existing keystore; null when there is none yet. */
    public static PageCertificate existing(Path keystore) throws IOException {
        return Files.exists(keystore) ? load(keystore) : null;
    }

    private static PageCertificate load(Path keystore) throws IOException {
        String password = Files.readString(passwordFile(keystore), StandardCharsets.UTF_8).strip();
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            String alias = store.aliases().nextElement();
            X509Certificate certificate = (X509Certificate) store.getCertificate(alias);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String fingerprint = HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha.digest(certificate.getEncoded()));
            String pin = "sha256//" + Base64.getEncoder().encodeToString(sha.digest(certificate.getPublicKey().getEncoded()));
            return new PageCertificate(keystore, password, fingerprint, pin);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException("cannot read the page's certificate in " + keystore + " (" + e.getMessage()
                    + "); remove it and " + passwordFile(keystore).getFileName() + " to have a new one made", e);
        }
    }

    private static void make(Path keystore) throws IOException {
        Path dir = keystore.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path pass = passwordFile(keystore);
        Files.deleteIfExists(pass);
        Files.createFile(pass, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(pass, password + "\n", StandardCharsets.UTF_8);
        String host = hostName();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "page", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                "-validity", "3650", "-dname", "CN=" + host, "-ext", "SAN=dns:" + host + ",dns:localhost",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass:env", "PAGE_KEYSTORE_PASSWORD"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PAGE_KEYSTORE_PASSWORD", password); // Not on the command line, where ps shows it.
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("keytool could not make the page's certificate in " + keystore + ": " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making the page's certificate", e);
        }
        Files.setPosixFilePermissions(keystore, PosixFilePermissions.fromString("rw-------"));
    }

    static Path passwordFile(Path keystore) {
        return keystore.resolveSibling(keystore.getFileName() + ".pass");
    }

    private static String hostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return name.matches("[A-Za-z0-9.-]+") ? name : "xmpp-iot-gateway";
        } catch (IOException e) {
            return "xmpp-iot-gateway";
        }
    }
}
