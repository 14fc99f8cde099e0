package org.xmppiot.drivers.ble;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.thing.ThingRegistry;
import org.xmppiot.core.config.YamlConfigReader;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.core.testing.Await;
import org.xmppiot.core.testing.RecordingSink;
import org.xmppiot.simulators.ble.BluezMock;

/**
 * The BLE driver through BlueZ's own D-Bus interface as python3-dbusmock's bluez5 template plays it, on a private
 * bus: an adapter appears, sensors appear and advertise, the adapter goes and comes back, bluetoothd restarts,
 * strangers flood the air. No radio is needed.
 */
class BleDriverTest {

    static final String RUUVI = "CB:B8:33:4C:88:4F";
    static final String BTHOME = "54:48:E6:8F:80:A5";
    static final String RUUVI_VALID = "0512FC5394C37C0004FFFC040CAC364200CDCBB8334C884F";

    @TempDir
    Path dir;

    private BluezMock bluez;
    private final List<BleDriver> drivers = new ArrayList<>();

    @BeforeEach
    void radio() throws Exception {
        bluez = BluezMock.start(dir);
        bluez.addAdapter("hci0");
    }

    @AfterEach
    void off() {
        drivers.forEach(BleDriver::close);
        bluez.close();
    }

    /** One gateway's drivers: things heard through one adapter share its scanner. */
    private final ThingRegistry context = new ThingRegistry(new RecordingSink());

    private BleDriver start(String id, String settings, RecordingSink sink) throws ConfigException {
        BleDriver d = (BleDriver) new BleDriverFactory().create(new ThingConfig(id, id, "ble", YamlConfigReader.read("things.yaml",
                "id: " + id + "\ndriver: ble\ndbus-address: '" + bluez.address() + "'\n" + settings)), context);
        drivers.add(d);
        d.start(sink);
        return d;
    }

    private static String value(RecordingSink sink, String field) {
        List<Reading> all = sink.readings();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).field(field) != null) {
                FieldValue v = all.get(i).field(field).value();
                return v instanceof FieldValue.NumericValue n ? n.value().toPlainString() + " " + n.unit() : v.toString();
            }
        }
        return null;
    }

    @Test
    void advertisedValuesBecomeReadingsAndRepeatsAreDropped() throws Exception {
        RecordingSink ruuvi = new RecordingSink();
        RecordingSink bthome = new RecordingSink();
        BleDriver tag = start("tag", "mac: " + RUUVI.toLowerCase() + "\n", ruuvi);
        start("motion", "mac: " + BTHOME + "\nbind-key: 231d39c1d7cc1ab1aee224cd096db932\n", bthome);
        bluez.addDevice("hci0", RUUVI, "Ruuvi 884F");
        bluez.addDevice("hci0", BTHOME, "SBMO-003Z");
        bluez.manufacturerData("hci0", RUUVI, -71, "0499", RUUVI_VALID);
        bluez.serviceData("hci0", BTHOME, -60, "fcd2", "41a47266c95f7300112233782372" + "14");
        Await.until("the RuuviTag's reading", () -> value(ruuvi, "temperature") != null);
        assertThat(value(ruuvi, "temperature")).isEqualTo("24.300 °C");
        assertThat(value(ruuvi, "pressure")).isEqualTo("1000.44 hPa");
        assertThat(value(ruuvi, "rssi")).isEqualTo("-71 dBm");
        assertThat(ruuvi.lastStatus()).isEqualTo(ThingStatus.online());
        assertThat(ruuvi.statuses()).as("no status before the scanner tried").noneMatch(st -> st.toString().contains("not started"));
        Await.until("the BTHome sensor's decrypted reading", () -> value(bthome, "temperature") != null);
        assertThat(value(bthome, "temperature")).isEqualTo("25.06 °C");
        assertThat(value(bthome, "humidity")).isEqualTo("50.55 %");

        // The same measurement again (same sequence number) is not a new reading; a new one is.
        int readings = ruuvi.readings().size();
        bluez.manufacturerData("hci0", RUUVI, -70, "0499", RUUVI_VALID);
        bluez.manufacturerData("hci0", RUUVI, -70, "0499", RUUVI_VALID.replace("00CDCBB8", "00CECBB8").replace("0512FC", "051300"));
        Await.until("the next measurement", () -> ruuvi.readings().size() > readings);
        assertThat(ruuvi.readings()).hasSize(readings + 1);
        assertThat(value(ruuvi, "temperature")).isEqualTo("24.320 °C");
        Await.until("the repeat counted", () -> tag.rejected().get("repeat") >= 1);

        // Bad advertisements are counted; nothing else stops.
        bluez.manufacturerData("hci0", RUUVI, -70, "0499", "0512FC53");
        Await.until("the truncated one counted", () -> tag.rejected().getOrDefault("truncated", 0L) == 1);
        bluez.manufacturerData("hci0", RUUVI, -70, "0499", RUUVI_VALID.replace("00CDCBB8", "00CFCBB8"));
        Await.until("reading again", () -> ruuvi.readings().size() == readings + 2);
    }

    @Test
    void aWrongBindKeyIsCountedAndAFloodOfStrangersIsBounded() throws Exception {
        RecordingSink sink = new RecordingSink();
        BleDriver wrong = start("motion", "mac: " + BTHOME + "\nbind-key: 814aac74c4f17b6c1581e1ab87816b99\n", sink);
        RecordingSink ruuvi = new RecordingSink();
        start("tag", "mac: " + RUUVI + "\n", ruuvi);
        bluez.addDevice("hci0", BTHOME, "SBMO-003Z");
        bluez.serviceData("hci0", BTHOME, -60, "fcd2", "41a47266c95f730011223378237214");
        Await.until("the wrong key counted", () -> wrong.rejected().getOrDefault("wrong-key", 0L) >= 1);
        assertThat(sink.readings()).isEmpty();

        bluez.flood("hci0", 600, "fcd2", "4002ca0903bf13");
        bluez.addDevice("hci0", RUUVI, "Ruuvi 884F");
        bluez.manufacturerData("hci0", RUUVI, -71, "0499", RUUVI_VALID);
        Await.until("the tag still read", () -> value(ruuvi, "temperature") != null);
        BluezScanner scanner = BleScanners.of(context).acquire(bluez.address(), null);
        try {
            Await.until("every stranger counted", () -> scanner.strangers() >= 600);
            assertThat(scanner.seen()).hasSizeLessThanOrEqualTo(BluezScanner.MAX_SEEN).containsKey(RUUVI);
        } finally {
            BleScanners.of(context).release(bluez.address(), null);
        }
    }

    @Test
    void theAdapterOrBluezGoingAwayIsAStatusAndScanningResumes() throws Exception {
        RecordingSink ruuvi = new RecordingSink();
        start("tag", "mac: " + RUUVI + "\n", ruuvi);
        bluez.addDevice("hci0", RUUVI, "Ruuvi 884F");
        bluez.manufacturerData("hci0", RUUVI, -71, "0499", RUUVI_VALID);
        Await.until("online", () -> ThingStatus.online().equals(ruuvi.lastStatus()));

        bluez.removeAdapter("hci0");
        Await.until("offline: adapter gone", () -> ThingStatus.offline(ThingStatus.Detail.BRIDGE_OFFLINE, "the Bluetooth adapter hci0 went away; waiting for it").equals(ruuvi.lastStatus())
                || String.valueOf(ruuvi.lastStatus()).startsWith("offline: no Bluetooth adapter")
                && ruuvi.lastStatus().detail() == ThingStatus.Detail.BRIDGE_OFFLINE);
        // The adapter is the bridge, offline with the reason; the thing is offline behind it.
        assertThat(context.bridges()).singleElement().satisfies(b -> {
            assertThat(b.id()).isEqualTo("ble first adapter on " + bluez.address());
            assertThat(b.status().detail()).isEqualTo(ThingStatus.Detail.DEVICE_MISSING);
        });
        bluez.addAdapter("hci0");
        bluez.addDevice("hci0", RUUVI, "Ruuvi 884F");
        bluez.manufacturerData("hci0", RUUVI, -71, "0499", RUUVI_VALID.replace("00CDCBB8", "00D0CBB8"));
        Await.until("online again", () -> ThingStatus.online().equals(ruuvi.lastStatus()));
        Await.until("the adapter online again", () -> context.bridges().stream().allMatch(b -> b.status().isOnline()));

        bluez.stopBluez();
        Await.until("offline: bluetoothd gone", () -> String.valueOf(ruuvi.lastStatus()).startsWith("offline: BlueZ (bluetoothd)"));
        bluez.startBluez();
        bluez.addAdapter("hci0");
        bluez.addDevice("hci0", RUUVI, "Ruuvi 884F");
        bluez.manufacturerData("hci0", RUUVI, -71, "0499", RUUVI_VALID.replace("00CDCBB8", "00D1CBB8"));
        Await.until("online after the restart", () -> ThingStatus.online().equals(ruuvi.lastStatus()));
    }

    @Test
    void aSensorNotHeardForItsTimeoutIsOffline() throws Exception {
        RecordingSink sink = new RecordingSink();
        start("quiet", "mac: A4:C1:38:00:00:01\ntimeout: 2s\n", sink);
        Await.until("offline, not heard", () -> String.valueOf(sink.lastStatus()).startsWith("offline: not heard for 2 s since the gateway started; out of range"));
    }
}
