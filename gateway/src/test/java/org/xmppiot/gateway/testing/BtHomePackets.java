package org.xmppiot.gateway.testing;

import java.util.HexFormat;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypted BTHome v2 service data as a sensor with a bind key sends it (AES-CCM, RFC 3610: 13-byte nonce of MAC,
 * UUID 0xFCD2, device byte and counter; 4-byte tag), for tests that need packets with new counters.
 */
public final class BtHomePackets {

    private BtHomePackets() {
    }

    /** Hex of the service data carrying {@code objectsHex} from {@code mac} under {@code keyHex}, with {@code counter}. */
    public static String encrypted(String keyHex, String mac, long counter, String objectsHex) throws Exception {
        HexFormat hex = HexFormat.of();
        byte[] plain = hex.parseHex(objectsHex);
        byte[] nonce = new byte[13];
        byte[] macBytes = hex.parseHex(mac.replace(":", ""));
        System.arraycopy(macBytes, 0, nonce, 0, 6);
        nonce[6] = (byte) 0xD2;
        nonce[7] = (byte) 0xFC;
        nonce[8] = 0x41;
        byte[] count = {(byte) counter, (byte) (counter >> 8), (byte) (counter >> 16), (byte) (counter >> 24)};
        System.arraycopy(count, 0, nonce, 9, 4);
        Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(hex.parseHex(keyHex), "AES"));
        byte[] x = new byte[16];
        x[0] = 0x09; // tag of 4, L = 2
        System.arraycopy(nonce, 0, x, 1, 13);
        x[15] = (byte) plain.length;
        x = aes.doFinal(x);
        for (int i = 0; i < plain.length; i++) {
            x[i % 16] ^= plain[i];
            if (i % 16 == 15 || i == plain.length - 1) {
                x = aes.doFinal(x);
            }
        }
        byte[] cipher = new byte[plain.length];
        for (int block = 0; block * 16 < plain.length; block++) {
            byte[] s = aes.doFinal(counterBlock(nonce, block + 1));
            for (int i = 0; i < 16 && block * 16 + i < plain.length; i++) {
                cipher[block * 16 + i] = (byte) (plain[block * 16 + i] ^ s[i]);
            }
        }
        byte[] s0 = aes.doFinal(counterBlock(nonce, 0));
        byte[] tag = new byte[4];
        for (int i = 0; i < 4; i++) {
            tag[i] = (byte) (x[i] ^ s0[i]);
        }
        return "41" + hex.formatHex(cipher) + hex.formatHex(count) + hex.formatHex(tag);
    }

    private static byte[] counterBlock(byte[] nonce, int i) {
        byte[] a = new byte[16];
        a[0] = 1;
        System.arraycopy(nonce, 0, a, 1, 13);
        a[15] = (byte) i;
        return a;
    }
}
