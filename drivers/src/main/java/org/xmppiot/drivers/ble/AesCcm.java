package org.xmppiot.drivers.ble;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-CCM (RFC 3610) with a 13-byte nonce, a 4-byte tag and no associated data: what BTHome v2 encrypts with. The
 * JDK has AES but not the CCM mode, so the counter mode and the CBC-MAC are built here on AES/ECB.
 */
final class AesCcm {

    private static final int TAG = 4;
    private static final int NONCE = 13;

    private AesCcm() {
    }

    /** The plaintext, or null when the tag does not match (a wrong key or a damaged packet). */
    static byte[] decrypt(byte[] key, byte[] nonce, byte[] ciphertext, byte[] tag) throws GeneralSecurityException {
        Cipher aes = aes(key, nonce, tag.length);
        byte[] plain = counterMode(aes, nonce, ciphertext);
        return MessageDigest.isEqual(tag(aes, nonce, plain), tag) ? plain : null;
    }

    /** The ciphertext followed by the 4-byte tag, as a sensor sends them (tests make packets with it). */
    static byte[] encrypt(byte[] key, byte[] nonce, byte[] plain) throws GeneralSecurityException {
        Cipher aes = aes(key, nonce, TAG);
        byte[] cipher = counterMode(aes, nonce, plain);
        byte[] out = java.util.Arrays.copyOf(cipher, cipher.length + TAG);
        System.arraycopy(tag(aes, nonce, plain), 0, out, cipher.length, TAG);
        return out;
    }

    private static Cipher aes(byte[] key, byte[] nonce, int tagLength) throws GeneralSecurityException {
        if (nonce.length != NONCE || tagLength != TAG) {
            throw new IllegalArgumentException("nonce of 13 and tag of 4 bytes expected");
        }
        Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        return aes;
    }

    /** XOR with the key stream of counter blocks 1, 2, ...: encrypts and decrypts alike. */
    private static byte[] counterMode(Cipher aes, byte[] nonce, byte[] in) throws GeneralSecurityException {
        byte[] out = new byte[in.length];
        for (int block = 0; block * 16 < in.length; block++) {
            byte[] s = aes.doFinal(counterBlock(nonce, block + 1));
            for (int i = 0; i < 16 && block * 16 + i < in.length; i++) {
                out[block * 16 + i] = (byte) (in[block * 16 + i] ^ s[i]);
            }
        }
        return out;
    }

    /** CBC-MAC over B0 (flags: tag length, L = 2; the nonce; the message length) and the zero-padded plaintext, masked with S0. */
    private static byte[] tag(Cipher aes, byte[] nonce, byte[] plain) throws GeneralSecurityException {
        byte[] x = new byte[16];
        x[0] = (byte) (8 * ((TAG - 2) / 2) + 1);
        System.arraycopy(nonce, 0, x, 1, NONCE);
        x[14] = (byte) (plain.length >> 8);
        x[15] = (byte) plain.length;
        x = aes.doFinal(x);
        for (int block = 0; block * 16 < plain.length; block++) {
            for (int i = 0; i < 16 && block * 16 + i < plain.length; i++) {
                x[i] ^= plain[block * 16 + i];
            }
            x = aes.doFinal(x);
        }
        byte[] s0 = aes.doFinal(counterBlock(nonce, 0));
        byte[] tag = new byte[TAG];
        for (int i = 0; i < TAG; i++) {
            tag[i] = (byte) (x[i] ^ s0[i]);
        }
        return tag;
    }

    private static byte[] counterBlock(byte[] nonce, int counter) {
        byte[] a = new byte[16];
        a[0] = 1; // L - 1
        System.arraycopy(nonce, 0, a, 1, NONCE);
        a[14] = (byte) (counter >> 8);
        a[15] = (byte) counter;
        return a;
    }
}
