package org.xmppiot.gateway.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.util.List;

import org.junit.jupiter.api.Test;

class StanzaWriterTest {

    @Test
    void writesEveryPieceWholeAndInOrderWhateverItsKindAndLength() throws Exception {
        StringWriter out = new StringWriter();
        StringBuilder expected = new StringBuilder();
        try (StanzaWriter w = new StanzaWriter(out, 4096)) {
            for (int length : List.of(0, 1, 1023, 1024, 1025, 2048, 5000, 9000)) {
                StringBuilder text = new StringBuilder();
                for (int i = 0; i < length; i++) {
                    text.append((char) ("aé€<'\n".charAt(i % 6) + (i / 6 % 3)));
                }
                w.append("<item n='" + length + "'>").append(text).append(new StringBuffer("</item>"));
                expected.append("<item n='").append(length).append("'>").append(text).append("</item>");
            }
        }
        assertThat(out.toString()).isEqualTo(expected.toString());
    }
}
