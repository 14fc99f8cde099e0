package org.xmppiot.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigHashTest {

    private static final String DOC = "things:\n  - id: pump\n";

    @Test
    void theRightDigestOfEveryOfferedAlgorithmIsAccepted() {
        // sha-256 of the document, computed independently: printf 'things:\n  - id: pump\n' | sha256sum | xxd -r -p | base64
        assertThat(ConfigHash.check(DOC, "sha-256", "oBq+9nb2t8snszWcSkv9vkfSvGmbGuRQV2K+uFFbTN0=")).isNull();
        for (String algorithm : ConfigHash.ALGORITHMS.keySet()) {
            assertThat(ConfigHash.check(DOC, algorithm, ConfigHash.of(DOC, algorithm))).as(algorithm).isNull();
        }
    }

    @Test
    void aChangedDocumentOrAWrongDigestIsRefusedWithTheReason() {
        String hash = ConfigHash.of(DOC, "sha-256");
        assertThat(ConfigHash.check(DOC + " ", "sha-256", hash)).contains("does not match");
        assertThat(ConfigHash.check(DOC, "sha-512", hash)).contains("does not match");
        assertThat(ConfigHash.check(DOC, "md5", hash)).contains("unknown hash algorithm 'md5'").contains("sha-256");
        assertThat(ConfigHash.check(DOC, "sha-256", "")).isEqualTo("the hash is missing");
        assertThat(ConfigHash.check(DOC, "sha-256", "not base64!")).isEqualTo("the hash is not base64");
    }
}
