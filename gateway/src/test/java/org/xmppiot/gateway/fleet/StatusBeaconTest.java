package org.xmppiot.gateway.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.pep.PepManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.impl.JidCreate;

import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.testing.ProsodyExtension;
import org.xmppiot.simulators.serial.SerialDeviceSimulator;

/**
 * A gateway's status reaches its owner through PEP and one presence subscription: the things and their statuses at
 * the start, and again soon after a thing goes offline, with the reason.
 */
class StatusBeaconTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway").withAccount("owner");

    @TempDir
    Path dir;

    private static String stateOf(List<StandardExtensionElement> seen, String thing) {
        for (int i = seen.size() - 1; i >= 0; i--) {
            for (StandardExtensionElement t : seen.get(i).getElements("thing", StatusBeacon.NODE)) {
                if (thing.equals(t.getAttributeValue("id"))) {
                    String reason = t.getAttributeValue("reason");
                    String detail = t.getAttributeValue("detail");
                    return t.getAttributeValue("state") + (detail == null ? "" : " (" + detail + ")") + (reason == null ? "" : ": " + reason);
                }
            }
        }
        return null;
    }

    @Test
    void theOwnerHearsTheGatewaysThingsAndWhyOneWentOffline() throws Exception {
        try (SerialDeviceSimulator device = SerialDeviceSimulator.start(dir)) {
            Gateway gateway = prosody.startGateway(dir, """
                        node-prefix: beacon/
                    access:
                      owners: [ owner@localhost ]
                    things:
                      - id: bench
                        driver: serial
                        port: %s
                        mapping: { type: csv, fields: [ { name: t, column: 1 } ] }
                    """.formatted(device.port()));
            try (gateway) {
                Await.until("the serial thing online", () -> gateway.things().thing("bench").orElseThrow().status().isOnline());
                List<StandardExtensionElement> seen = new CopyOnWriteArrayList<>();
                StatusBeacon.register();
                XMPPTCPConnection owner = prosody.connection(dir, "owner", "fleet");
                PepManager.getInstanceFor(owner).addPepEventListener(StatusBeacon.NODE, StandardExtensionElement.class,
                        (from, element, id, message) -> seen.add(element));
                owner.connect().login();
                try {
                    Roster roster = Roster.getInstanceFor(owner);
                    roster.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
                    roster.createItemAndRequestSubscription(JidCreate.bareFrom("gateway@localhost"), "gateway", null);
                    Await.until("subscribed to the gateway's presence", () -> roster.getEntry(JidCreate.bareFromOrThrowUnchecked("gateway@localhost")) != null
                            && roster.getEntry(JidCreate.bareFromOrThrowUnchecked("gateway@localhost")).canSeeHisPresence());
                    owner.sendStanza(owner.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.available).build());
                    Await.until("the gateway's status", () -> "online".equals(stateOf(seen, "bench")));
                    StandardExtensionElement first = seen.get(seen.size() - 1);
                    assertThat(first.getAttributeValue("version")).isNotBlank();
                    assertThat(first.getAttributeValue("backlog")).matches("\\d+");

                    device.unplug();
                    Await.until("the reason it went offline", () -> String.valueOf(stateOf(seen, "bench"))
                            .matches("offline \\(device-missing\\): (device gone|no device at ).*"));
                } finally {
                    owner.disconnect();
                }
            }
        }
    }
}
