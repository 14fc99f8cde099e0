package org.xmppiot.gateway.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;

/** The terminal's QR code reads back as the invite, as a phone's camera would read it off a dark terminal. */
class QrTextTest {

    private static final String INVITE = "xmpp:gateway@raspberrypi.local?roster;preauth=YiSBXPl2MJq_ky4x4QIqXycz;ibr=y";

    @Test
    void theTerminalCodeDecodesToTheInvite() throws Exception {
        assertThat(decode(QrText.of(INVITE))).isEqualTo(INVITE);
    }

    @Test
    void theSvgCodeHasTheSameModules() {
        String svg = QrText.svg(INVITE);
        assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"").endsWith("</svg>");
        long dark = QrText.of(INVITE).chars().map(c -> c == ' ' ? 2 : c == '\u2580' || c == '\u2584' ? 1 : 0).sum();
        assertThat(svg.split("h1v1h-1z", -1).length - 1L).isGreaterThanOrEqualTo(dark);
    }

    /**
     * Reads the printed code the way a terminal shows it: a printed block is light (the text colour of a dark terminal),
     * a space is dark; each character holds two rows (upper and lower half).
     */
    private static String decode(String printed) throws Exception {
        List<String> lines = printed.lines().toList();
        int scale = 4;
        int width = lines.get(0).length();
        int height = lines.size() * 2;
        int[] pixels = new int[width * scale * height * scale];
        for (int row = 0; row < lines.size(); row++) {
            for (int x = 0; x < width; x++) {
                char c = lines.get(row).charAt(x);
                boolean topLight = c == '\u2588' || c == '\u2580';
                boolean bottomLight = c == '\u2588' || c == '\u2584';
                paint(pixels, width * scale, x, row * 2, scale, topLight);
                paint(pixels, width * scale, x, row * 2 + 1, scale, bottomLight);
            }
        }
        BinaryBitmap image = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(width * scale, height * scale, pixels)));
        return new QRCodeReader().decode(image, Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE)).getText();
    }

    private static void paint(int[] pixels, int stride, int x, int y, int scale, boolean light) {
        for (int dy = 0; dy < scale; dy++) {
            for (int dx = 0; dx < scale; dx++) {
                pixels[(y * scale + dy) * stride + x * scale + dx] = light ? 0xFFFFFF : 0x000000;
            }
        }
    }
}
