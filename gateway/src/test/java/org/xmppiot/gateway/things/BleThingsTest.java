package org.xmppiot.gateway.things;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.xmppiot.core.model.Reading;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.cli.Main;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.testing.BtHomePackets;
import org.xmppiot.gateway.testing.ProsodyExtension;
import org.xmppiot.gateway.testing.Subscriptions;
import org.xmppiot.gateway.watch.ReadingWatcher;
import org.xmppiot.simulators.ble.BluezMock;

/**
 * Bluetooth LE end to end: a RuuviTag and an encrypted BTHome sensor, advertising through BlueZ as python3-dbusmock
 * plays it, reach a subscriber through Prosody with their values; a stranger's device is not published; ble-scan
 * lists what is in range.
 */
class BleThingsTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway").withAccount("reader");

    @TempDir
    Path dir;

    @Test
    void aRuuviTagAndABtHomeSensorReachASubscriber() throws Exception {
        try (BluezMock bluez = BluezMock.start(dir)) {
            bluez.addAdapter("hci0");
            Gateway gateway = prosody.startGateway(dir, """
                        node-prefix: ble/
                    access:
                      readers: [ reader@localhost ]
                    things:
                      - id: tag
                        driver: ble
                        mac: CB:B8:33:4C:88:4F
                        dbus-address: '%1$s'
                      - id: motion
                        driver: ble
                        mac: 54:48:E6:8F:80:A5
                        bind-key: 231d39c1d7cc1ab1aee224cd096db932
                        dbus-address: '%1$s'
                    """.formatted(bluez.address()));
            try (gateway) {
                bluez.addDevice("hci0", "CB:B8:33:4C:88:4F", "Ruuvi 884F");
                bluez.addDevice("hci0", "54:48:E6:8F:80:A5", "SBHT");
                bluez.addDevice("hci0", "A4:C1:38:00:00:99", "neighbour");
                bluez.manufacturerData("hci0", "CB:B8:33:4C:88:4F", -71, "0499", "0512FC5394C37C0004FFFC040CAC364200CDCBB8334C884F");
                bluez.serviceData("hci0", "54:48:E6:8F:80:A5", -60, "fcd2", "41a47266c95f730011223378237214");
                bluez.serviceData("hci0", "A4:C1:38:00:00:99", -80, "fcd2", "4002ca0903bf13");
                Await.until("items on both nodes", () -> Subscriptions.nodeHasItems(prosody, dir, "ble/tag")
                        && Subscriptions.nodeHasItems(prosody, dir, "ble/motion"));
                List<Reading> received = new CopyOnWriteArrayList<>();
                try (ReadingWatcher subscriber = new ReadingWatcher(GatewayConfigLoader.loadXmpp(prosody.writeConfig(dir, "reader", "")), received::add)) {
                    subscriber.start(List.of("ble/tag", "ble/motion"));
                    bluez.manufacturerData("hci0", "CB:B8:33:4C:88:4F", -70, "0499", "051300" + "5394C37C0004FFFC040CAC364200CECBB8334C884F");
                    // The sensor's next packet: a new counter, motion detected.
                    bluez.serviceData("hci0", "54:48:E6:8F:80:A5", -61, "fcd2",
                            BtHomePackets.encrypted("231d39c1d7cc1ab1aee224cd096db932", "54:48:E6:8F:80:A5", 0x33221101L, "2101"));
                    Await.until("both sensors' new readings", () -> "24.320 °C".equals(Subscriptions.latest(received, "tag", "temperature"))
                            && "true".equals(Subscriptions.latest(received, "motion", "motion")));
                    assertThat(Subscriptions.latest(received, "tag", "humidity")).isEqualTo("53.4900 %");
                    assertThat(Subscriptions.latest(received, "tag", "rssi")).isEqualTo("-70 dBm");
                    assertThat(Subscriptions.latest(received, "motion", "rssi")).isEqualTo("-61 dBm");
                }
                assertThat(gateway.things().ids()).containsExactlyInAnyOrder("tag", "motion");

                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                int exit = Main.run(new String[] {"ble-scan", "--seconds", "3", "--dbus-address", bluez.address()}, new PrintWriter(out, true),
                        new PrintWriter(err, true));
                assertThat(exit).as(err.toString()).isZero();
                assertThat(out.toString()).contains("CB:B8:33:4C:88:4F   -70 dBm  ruuvi-5              temperature=24.320 °C")
                        .contains("54:48:E6:8F:80:A5   -61 dBm  bthome (encrypted)   needs its bind-key")
                        .contains("A4:C1:38:00:00:99   -80 dBm  bthome               temperature=25.06 °C, humidity=50.55 %");
            }
        }
    }
}
