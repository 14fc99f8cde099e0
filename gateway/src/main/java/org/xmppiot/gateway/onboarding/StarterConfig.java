package org.xmppiot.gateway.onboarding;

import java.time.LocalDate;

/**
 * The configuration a set-up command writes when there is none yet: the account, where the server is, and one
 * simulated sensor, so that the first session already has something to read; the user replaces it with devices.
 */
public final class StarterConfig {

    private StarterConfig() {
    }

    /**
     * {@code serverLines}: the xmpp keys that say where the server is and how to trust it (server, port, tls,
     * ca-file, pubsub), each line indented by two spaces; empty for DNS SRV and the system's CAs.
     */
    public static String text(String writtenBy, String jid, String passwordFile, String serverLines) {
        return """
                # Written by `xmpp-iot-gateway %s` on %s. Reference: README.md and docs/gateway.example.yaml.
                xmpp:
                  jid: %s
                  password-file: %s   # made by the same command; readable only by the gateway's user
                %s
                access:
                  owners: []        # an owner's invite fills this in (see the gateway's log), or write JIDs here
                  readers: []       # JIDs that may read

                store:
                  path: readings.db   # beside this file; readings wait here while the server is away

                things:
                  # A simulated sensor to try the gateway with; replace it with your devices (docs/gateway.example.yaml).
                  - id: demo-temperature
                    name: Simulated temperature
                    driver: simulated
                    interval: 10s
                    fields:
                      - { name: temperature, unit: "°C", waveform: sine, min: 18, max: 24, period: 10m, decimals: 1 }
                """.formatted(writtenBy, LocalDate.now(), jid, passwordFile, serverLines.stripTrailing());
    }
}
