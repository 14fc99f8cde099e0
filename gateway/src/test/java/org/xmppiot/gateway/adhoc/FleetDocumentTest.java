package org.xmppiot.gateway.adhoc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FleetDocumentTest {

    private static final String RUNNING = """
            # the shed gateway
            xmpp:
              jid: shed@example.org
              password-file: password   # keep private
            access:
              owners: [ alice@example.org ]
            store:
              path: /var/lib/x/readings.db
            http: { enabled: true }
            things:
              - { id: tank, driver: simulated, fields: [ { name: level } ] }
            """;

    @Test
    void aDocumentChangesTheSectionsItNamesAndKeepsTheOthersWithTheirComments() {
        FleetDocument.Merged m = FleetDocument.merge("""
                things:
                  - { id: pump, driver: simulated, fields: [ { name: on } ] }
                http: {}
                """, RUNNING);
        assertThat(m.changed()).containsExactly("things", "http");
        assertThat(m.kept()).containsExactly("xmpp", "access", "store");
        assertThat(m.summary()).isEqualTo("changed things, http; kept xmpp, access, store");
        assertThat(m.yaml()).contains("  password-file: password   # keep private\n", "owners: [ alice@example.org ]", "http: {}", "id: pump")
                .doesNotContain("id: tank").doesNotContain("enabled: true").doesNotContain("the shed gateway");
        assertThat(m.handover()).isFalse();
    }

    @Test
    void handoverIsReadAndNotKept() {
        FleetDocument.Merged m = FleetDocument.merge("handover: true\naccess:\n  owners: [ bob@example.org ]\n", RUNNING);
        assertThat(m.handover()).isTrue();
        assertThat(m.yaml()).doesNotContain("handover").contains("bob@example.org").doesNotContain("alice@example.org");
        assertThat(FleetDocument.merge("handover: false\n", RUNNING).handover()).isFalse();
    }
}
