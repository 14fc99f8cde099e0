package org.xmppiot.gateway.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** XEP-0300 hashes ({@code urn:xmpp:hashes:2} names) of a document's UTF-8 bytes, as a requester sends them. */
public final class ConfigHash {

    /** The algorithms the JDK has, strongest first, by their XEP-0300 names. */
    public static final Map<String, String> ALGORITHMS = new LinkedHashMap<>();

    static {
        ALGORITHMS.put("sha3-512", "SHA3-512");
        ALGORITHMS.put("sha3-256", "SHA3-256");
        ALGORITHMS.put("sha-512", "SHA-512");
        ALGORITHMS.put("sha-256", "SHA-256");
    }

    private ConfigHash() {
    }

    /** Null when {@code hash} is the base64 {@code algorithm} digest of {@code document}; otherwise why not. */
    public static String check(String document, String algorithm, String hash) {
        String jdkName = algorithm == null ? null : ALGORITHMS.get(algorithm);
        if (jdkName == null) {
            return "unknown hash algorithm '" + algorithm + "'; use one of " + ALGORITHMS.keySet();
        }
        if (hash == null || hash.isBlank()) {
            return "the hash is missing";
        }
        byte[] expected;
        try {
            expected = Base64.getDecoder().decode(hash.trim());
        } catch (IllegalArgumentException e) {
            return "the hash is not base64";
        }
        byte[] actual = digest(document, jdkName);
        return MessageDigest.isEqual(actual, expected) ? null
                : "the " + algorithm + " hash does not match the document (changed or cut on the way?)";
    }

    /** The base64 digest, as a requester computes it (also used by tests and docs' examples). */
    public static String of(String document, String algorithm) {
        return Base64.getEncoder().encodeToString(digest(document, ALGORITHMS.get(algorithm)));
    }

    private static byte[] digest(String document, String jdkName) {
        try {
            return MessageDigest.getInstance(jdkName).digest(document.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java 17 runtime has " + jdkName, e);
        }
    }
}
