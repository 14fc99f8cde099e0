package org.xmppiot.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Editing the configuration's text for the gateway itself (a new owner by invite) keeps what people wrote around it. */
class ConfigTextTest {

    @Test
    void aNewOwnerKeepsTheRestOfTheFileAndThePerThingRightsAsWritten() throws Exception {
        String yaml = """
                xmpp:
                  jid: gw@example.org   # the gateway's account
                access:
                  owners: []
                  readers: [ bob@example.org, carol@example.org ]
                  things:
                    greenhouse:       # the neighbour's view
                      readers: [ dan@other.example ]
                    "shed-*":
                      controllers: [ erin@other.example ]
                store:
                  path: readings.db
                """;
        String edited = ConfigText.withOwner(yaml, "bob@example.org");
        assertThat(edited).isEqualTo("""
                xmpp:
                  jid: gw@example.org   # the gateway's account
                access:
                  owners: [ bob@example.org ]   # JIDs that may read and control
                  readers: [ carol@example.org ]   # JIDs that may read
                  things:
                    greenhouse:       # the neighbour's view
                      readers: [ dan@other.example ]
                    "shed-*":
                      controllers: [ erin@other.example ]
                store:
                  path: readings.db
                """);
        assertThat(ConfigText.withOwner(edited, "bob@example.org")).isEqualTo(edited);
    }
}
