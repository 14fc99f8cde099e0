package org.xmppiot.gateway.config;

import org.xmppiot.discovery.DiscoveryConfig;
import org.xmppiot.core.config.ConfigException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.spi.DriverRegistry;

class GatewayConfigLoaderTest {

    @TempDir
    Path dir;

    private final DriverRegistry drivers = DriverRegistry.fromClassPath();

    @BeforeEach
    void password() throws IOException {
        Files.writeString(dir.resolve("pw"), "s3cret\n");
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private ConfigException failure(String yaml) throws IOException {
        Path file = write(yaml);
        return org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> GatewayConfigLoader.load(file, drivers));
    }

    private static final String XMPP = """
            xmpp:
              jid: gw@example.org
              password-file: pw
            """;

    @Test
    void aMinimalConfigGetsSafeDefaults() throws Exception {
        GatewayConfig c = GatewayConfigLoader.load(write(XMPP + """
                things:
                  - id: tank
                    driver: recording
                """), drivers);
        XmppConfig x = c.xmpp();
        assertThat(x.jid()).isEqualTo("gw@example.org");
        assertThat(x.password().reveal()).isEqualTo("s3cret");
        assertThat(x.password().toString()).doesNotContain("s3cret");
        assertThat(x.tls()).isEqualTo(XmppConfig.TlsMode.REQUIRED);
        assertThat(x.server()).isNull();
        assertThat(x.resource()).isEqualTo("gateway");
        assertThat(x.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(x.liveness()).isEqualTo(new XmppConfig.Liveness(Duration.ofSeconds(60), Duration.ofSeconds(20), Duration.ofSeconds(10)));
        assertThat(x.pubsub().service()).isEqualTo("pubsub.example.org");
        assertThat(x.pubsub().nodeFor("tank")).isEqualTo("gw/tank");
        assertThat(x.pubsub().accessModel()).isEqualTo("whitelist");
        assertThat(c.things()).singleElement().satisfies(t -> {
            assertThat(t.id()).isEqualTo("tank");
            assertThat(t.name()).isEqualTo("tank");
            assertThat(t.driver()).isEqualTo("recording");
        });
        assertThat(c.busQueueCapacity()).isEqualTo(10_000);
    }

    @Test
    void everyKeyIsRead() throws Exception {
        GatewayConfig c = GatewayConfigLoader.load(write("""
                xmpp:
                  jid: gw@example.org
                  password-file: pw
                  resource: shed
                  server: 127.0.0.1
                  port: 5333
                  tls: disabled
                  connect-timeout: 1500ms
                  reconnect-max-delay: 2m
                  keepalive: 5m
                  stall-after: 45s
                  ping-timeout: 3s
                  pubsub:
                    service: ps.example.org
                    node-prefix: site1/
                    access-model: presence
                    max-items: 5
                    persist-items: false
                    readings-per-item: 20
                    item-interval: 20ms
                access:
                  owners: [ alice@example.org ]
                  readers: [ bob@example.org, alice@example.org ]
                bus:
                  queue-capacity: 500
                store:
                  path: data/readings.db
                  max-size: 1.5GB
                  max-age: 7d
                  commit-interval: 1s
                  confirmed-commit-interval: 45s
                things:
                  - { id: tank, name: Rain tank, driver: recording, level: 3 }
                """), drivers);
        XmppConfig x = c.xmpp();
        assertThat(x.resource()).isEqualTo("shed");
        assertThat(x.server()).isEqualTo("127.0.0.1");
        assertThat(x.port()).isEqualTo(5333);
        assertThat(x.tls()).isEqualTo(XmppConfig.TlsMode.DISABLED);
        assertThat(x.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(x.reconnectMaxDelay()).isEqualTo(Duration.ofMinutes(2));
        assertThat(x.liveness()).isEqualTo(new XmppConfig.Liveness(Duration.ofMinutes(5), Duration.ofSeconds(45), Duration.ofSeconds(3)));
        assertThat(x.pubsub()).isEqualTo(new PubSubConfig("ps.example.org", "site1/", "presence", 5, false, 20,
                Duration.ofMillis(20)));
        assertThat(c.access().everyone()).containsExactly("alice@example.org", "bob@example.org");
        assertThat(c.busQueueCapacity()).isEqualTo(500);
        assertThat(c.store()).isEqualTo(new StoreConfig(dir.resolve("data/readings.db").toAbsolutePath(), 1_500_000_000L,
                Duration.ofDays(7), Duration.ofSeconds(1), Duration.ofSeconds(45)));
        assertThat(c.things().get(0).name()).isEqualTo("Rain tank");
    }

    @Test
    void discoveryIsOffByDefaultAndItsSettingsAreChecked() throws Exception {
        String minimal = "xmpp:\n  jid: gw@example.org\n  password-env: PATH\n";
        assertThat(GatewayConfigLoader.load(write(minimal), drivers).discovery()).isEqualTo(DiscoveryConfig.off());
        DiscoveryConfig on = GatewayConfigLoader.load(write(minimal + "discovery:\n  enabled: true\n  bind: 127.0.0.1\n"
                + "  browse: [ _shelly._tcp, _xmpp-iot-object._tcp.local. ]\n  max-objects: 20\n"), drivers).discovery();
        assertThat(on.enabled()).isTrue();
        assertThat(on.browse()).containsExactly("_shelly._tcp.local.", "_xmpp-iot-object._tcp.local.");
        assertThat(on.maxObjects()).isEqualTo(20);
        assertThat(failure(minimal + "discovery:\n  browse: [ shelly ]\n").getMessage())
                .contains("discovery.browse[0]").contains("not a DNS-SD service type");
        assertThat(failure(minimal + "discovery:\n  bind: eth0\n").getMessage()).contains("discovery.bind").contains("IPv4 address");
    }

    @Test
    void theStoreHasDefaultsForAnSdCardAndRejectsUnusableSettings() throws Exception {
        String minimal = """
                xmpp:
                  jid: gw@example.org
                  password-env: PATH
                """;
        GatewayConfig c = GatewayConfigLoader.load(write(minimal), drivers);
        assertThat(c.store()).isEqualTo(new StoreConfig(StoreConfig.DEFAULT_PATH, 64_000_000L, Duration.ofDays(30), Duration.ofSeconds(2),
                Duration.ofSeconds(60)));
        assertThat(c.xmpp().pubsub().readingsPerItem()).isEqualTo(50);

        assertThat(failure(minimal + "store:\n  max-size: 64 megs\n").getMessage())
                .contains("store.max-size").contains("'64 megs' is not a size").contains("64MB");
        assertThat(failure(minimal + "store:\n  max-size: 10kB\n").getMessage())
                .contains("store.max-size").contains("out of range; expected 1MB to 1000GB");
        assertThat(failure(minimal + "store:\n  path: " + dir + "\n").getMessage())
                .contains("store.path").contains("is a directory");
        assertThat(failure(minimal + "store:\n  max-age: 10s\n").getMessage()).contains("store.max-age").contains("out of range");
        assertThat(failure(minimal + "store:\n  commit-interval: 5s\n  confirmed-commit-interval: 3s\n").getMessage())
                .contains("store.confirmed-commit-interval").contains("is shorter than commit-interval (5000 ms)");
        assertThat(GatewayConfigLoader.load(write(minimal + "store:\n  commit-interval: 10s\n"), drivers).store().confirmedCommitInterval())
                .as("the default, whatever commit-interval is").isEqualTo(Duration.ofSeconds(60));
        assertThat(GatewayConfigLoader.load(write(minimal + "store:\n  confirmed-commit-interval: 0ms\n"), drivers).store())
                .as("0ms: as commit-interval, given or not").extracting(StoreConfig::confirmedCommitInterval).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void anUnknownKeyNamesFileLineKeyAndTheLikelyMeaning() throws Exception {
        ConfigException e = failure("""
                xmpp:
                  jid: gw@example.org
                  pasword-file: pw
                """);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage())
                .startsWith(dir.resolve("gateway.yaml") + ":3:3: xmpp.pasword-file: unknown key 'pasword-file'")
                .contains("did you mean 'password-file'?")
                .contains("allowed here: ca-file, connect-timeout, jid, keepalive, password-env, password-file");
    }

    @Test
    void aValueOutsideTheAllowedSetListsWhatIsAllowed() throws Exception {
        ConfigException e = failure(XMPP + "  tls: maybe\n");
        assertThat(e.getMessage()).contains(":4:").contains("xmpp.tls: 'maybe' is not allowed; use one of: required, disabled");
    }

    @Test
    void plainTextIsRefusedForARemoteServer() throws Exception {
        ConfigException e = failure(XMPP + "  server: 192.0.2.10\n  tls: disabled\n");
        assertThat(e.path()).isEqualTo("xmpp.tls");
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.problem()).contains("only allowed when xmpp.server is on this machine's loopback");
    }

    @Test
    void plainTextWithoutAnExplicitServerIsRefused() throws Exception {
        assertThat(failure(XMPP + "  tls: disabled\n").path()).isEqualTo("xmpp.tls");
    }

    @Test
    void aMissingPasswordFileIsNamed() throws Exception {
        ConfigException e = failure("""
                xmpp:
                  jid: gw@example.org
                  password-file: nowhere/pw
                """);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.problem()).isEqualTo("no such file: " + dir.resolve("nowhere/pw"));
    }

    @Test
    void thePasswordCanComeFromTheEnvironmentButMustBeThere() throws Exception {
        ConfigException e = failure("""
                xmpp:
                  jid: gw@example.org
                  password-env: XMPP_IOT_GATEWAY_TEST_UNSET_VARIABLE
                """);
        assertThat(e.problem()).contains("XMPP_IOT_GATEWAY_TEST_UNSET_VARIABLE is not set");
        String path = System.getenv("PATH");
        GatewayConfig c = GatewayConfigLoader.load(write("xmpp:\n  jid: gw@example.org\n  password-env: PATH\n"), drivers);
        assertThat(c.xmpp().password().reveal()).isEqualTo(path);
        assertThat(c.xmpp().password().origin()).isEqualTo("environment variable PATH");
    }

    @Test
    void bothOrNeitherPasswordSourceIsAnError() throws Exception {
        assertThat(failure("xmpp:\n  jid: gw@example.org\n").problem()).contains("a password is required");
        assertThat(failure(XMPP + "  password-env: HOME\n").problem()).contains("either password-file or password-env");
    }

    @Test
    void aCaFileMustHoldCertificatesAndGoWithTls() throws Exception {
        ConfigException missing = failure(XMPP + "  ca-file: ca.pem\n");
        assertThat(missing.path()).isEqualTo("xmpp.ca-file");
        assertThat(missing.problem()).isEqualTo("no such file: " + dir.resolve("ca.pem"));
        Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
        assertThat(failure(XMPP + "  ca-file: ca.pem\n").problem()).contains("ca.pem").contains("certificate");
        assertThat(failure(XMPP + "  server: localhost\n  tls: disabled\n  ca-file: ca.pem\n").problem())
                .isEqualTo("a CA file only makes sense with tls: required");
    }

    @Test
    void aJidWithAResourceIsRefused() throws Exception {
        ConfigException e = failure("xmpp:\n  jid: gw@example.org/home\n  password-file: pw\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.problem()).contains("not a bare JID");
    }

    @Test
    void brokenYamlGivesItsLine() throws Exception {
        ConfigException e = failure(XMPP + "things:\n  - id: [unclosed\n");
        assertThat(e.line()).isGreaterThanOrEqualTo(5);
        assertThat(e.problem()).startsWith("not valid YAML");
    }

    @Test
    void aTabIsNamedWhereItIsInOneSentence() throws Exception {
        ConfigException e = failure("xmpp:\n\tjid: gw@example.org\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.column()).isEqualTo(1);
        assertThat(e.problem()).isEqualTo("not valid YAML: a tab character; YAML indents with spaces only");
    }

    @Test
    void yamlErrorsSayNothingOfTheParsersInternals() throws Exception {
        ConfigException e = failure(XMPP + "things:\n  - id: [unclosed\n");
        assertThat(e.problem()).doesNotContain("'reader'").doesNotContain("^").doesNotContain("line ");
    }

    @Test
    void aKeyGivenTwiceIsAnError() throws Exception {
        ConfigException e = failure(XMPP + "  jid: other@example.org\n");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.problem()).contains("appears twice").contains("first on line 2");
    }

    @Test
    void thingIdsAreUniqueAndUsable() throws Exception {
        ConfigException twice = failure(XMPP + """
                things:
                  - { id: tank, driver: recording }
                  - { id: tank, driver: recording }
                """);
        assertThat(twice.line()).isEqualTo(6);
        assertThat(twice.problem()).contains("already used by the thing on line 5");
        assertThat(failure(XMPP + "things:\n  - { id: 'a tank', driver: recording }\n").problem()).contains("not a usable id");
    }

    @Test
    void theStatusPageIsOffByDefaultLocalByDefaultAndNeedsAPasswordAnywhereElse() throws Exception {
        Files.writeString(dir.resolve("pw"), "x");
        GatewayConfig plain = GatewayConfigLoader.load(write(XMPP), drivers);
        assertThat(plain.http().enabled()).isFalse();
        assertThat(plain.http().bind()).isEqualTo("127.0.0.1");
        assertThat(plain.http().port()).isEqualTo(HttpConfig.DEFAULT_PORT);
        assertThat(plain.http().tls()).as("plain HTTP on loopback").isFalse();

        ConfigException open = failure(XMPP + "http:\n  enabled: true\n  bind: 0.0.0.0\n");
        assertThat(open.path()).isEqualTo("http.bind");
        assertThat(open.problem()).startsWith("the status page on 0.0.0.0 can be reached from other machines, and nobody could log in:");
        // Owners and readers log in with their XMPP accounts; no password is needed for that.
        GatewayConfig byXmpp = GatewayConfigLoader.load(write(XMPP + "access:\n  owners: [ alice@example.org ]\nhttp:\n  enabled: true\n  bind: 0.0.0.0\n"),
                drivers);
        assertThat(byXmpp.http().asksWhoIsThere()).isTrue();
        assertThat(byXmpp.http().password()).isNull();
        assertThat(plain.http().asksWhoIsThere()).as("loopback without a password: open to this machine").isFalse();

        Files.writeString(dir.resolve("page.pw"), "secret\n");
        GatewayConfig guarded = GatewayConfigLoader.load(write(XMPP + "http:\n  enabled: true\n  bind: 0.0.0.0\n  port: 9100\n  password-file: page.pw\n"), drivers);
        assertThat(guarded.http().password().reveal()).isEqualTo("secret");
        assertThat(guarded.http().port()).isEqualTo(9100);
        assertThat(guarded.http().tls()).as("HTTPS where other machines reach the page").isTrue();
        assertThat(guarded.http().keystore()).isEqualTo(plain.store().path().resolveSibling("http-tls.p12"));
        ConfigException clear = failure(XMPP + "http:\n  enabled: true\n  bind: 0.0.0.0\n  password-file: page.pw\n  tls: off\n");
        assertThat(clear.path()).isEqualTo("http.tls");
        assertThat(clear.problem()).startsWith("'off' would send the page's password in clear to 0.0.0.0");
        assertThat(GatewayConfigLoader.load(write(XMPP + "http:\n  enabled: true\n  tls: on\n"), drivers).http().tls()).isTrue();
        assertThat(failure(XMPP + "http:\n  enabled: true\n  password-file: missing.pw\n").problem()).startsWith("no such file: ");
    }

    @Test
    void severalServersOfOneServiceAreTriedInOrder() throws Exception {
        Files.writeString(dir.resolve("pw"), "x");
        XmppConfig x = GatewayConfigLoader.load(write(XMPP + "  servers: [ xmpp1.example.org:5222, 'xmpp2.example.org', '[2001:db8::1]:5223' ]\n"), drivers).xmpp();
        assertThat(x.targets()).extracting(Object::toString).containsExactly("xmpp1.example.org:5222", "xmpp2.example.org:5222", "2001:db8::1:5223");
        assertThat(x.server()).isEqualTo("xmpp1.example.org");
        assertThat(GatewayConfigLoader.load(write(XMPP), drivers).xmpp().targets()).as("DNS SRV").isEmpty();

        assertThat(failure(XMPP + "  server: a.example.org\n  servers: [ b.example.org:5222 ]\n").problem())
                .isEqualTo("give either server (and port) or servers, not both");
        assertThat(failure(XMPP + "  servers: [ 'b.example.org:http' ]\n").problem()).startsWith("'b.example.org:http' is not a server; write host:port");
        assertThat(failure(XMPP + "  servers: [ 127.0.0.1:5222, 192.0.2.1:5222 ]\n  tls: disabled\n").problem()).startsWith("'disabled' is only allowed");
    }

    @Test
    void anUnknownDriverListsTheAvailableOnes() throws Exception {
        ConfigException e = failure(XMPP + "things:\n  - id: tank\n    driver: telepathy\n");
        assertThat(e.path()).isEqualTo("things[0].driver");
        assertThat(e.line()).isEqualTo(6);
        assertThat(e.problem()).isEqualTo("no driver named 'telepathy'; available: ble, bme280, gpio, modbus, onewire, recording, serial, simulated");
    }

    @Test
    void driverSettingsAreCheckedWithTheirLines() throws Exception {
        ConfigException bad = failure(XMPP + "things:\n  - id: tank\n    driver: recording\n    level: 11\n");
        assertThat(bad.path()).isEqualTo("things[0].level");
        assertThat(bad.line()).isEqualTo(7);
        assertThat(bad.problem()).contains("11 is out of range; expected 0 to 10");
        ConfigException unknown = failure(XMPP + "things:\n  - id: tank\n    driver: recording\n    levle: 1\n");
        assertThat(unknown.problem()).contains("unknown key 'levle'").contains("did you mean 'level'?");
    }

    @Test
    void wrongShapesAreNamed() throws Exception {
        assertThat(failure("xmpp: yes please\n").problem()).contains("expected a section of keys");
        assertThat(failure(XMPP + "things: tank\n").problem()).contains("expected a list");
        assertThat(failure(XMPP + "  pubsub:\n    max-items: lots\n").problem()).contains("'lots' is not a whole number");
        assertThat(failure(XMPP + "  pubsub:\n    persist-items: \"true\"\n").problem()).contains("use true or false");
        assertThat(failure(XMPP + "  connect-timeout: soon\n").problem()).contains("not a duration");
        assertThat(failure("- just\n- a list\n").problem()).contains("must be a section of keys");
    }

    @Test
    void anEmptyOrMissingFileIsExplained() throws Exception {
        assertThat(failure("").problem()).contains("the xmpp section is required");
        ConfigException missing = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> GatewayConfigLoader.load(dir.resolve("absent.yaml"), drivers));
        assertThat(missing.getMessage()).isEqualTo(dir.resolve("absent.yaml") + ": no such file");
    }

    @Test
    void watchersNeedOnlyTheXmppSection() throws Exception {
        XmppConfig x = GatewayConfigLoader.loadXmpp(write(XMPP + "whatever: ignored\n"));
        assertThat(x.jid()).isEqualTo("gw@example.org");
    }

    @Test
    void aThrowingLoaderNeverLeaksThePassword() throws Exception {
        ConfigException e = failure(XMPP + "  port: 99999\n");
        assertThat(e.getMessage()).doesNotContain("s3cret");
        assertThatThrownBy(() -> GatewayConfigLoader.load(write(XMPP + "  server: localhost\n  port: 0\n"), drivers))
                .hasMessageContaining("0 is out of range; expected 1 to 65535");
    }

    @Test
    void accessThingsGivesReadersAndControllersPerThingOrPattern() throws Exception {
        GatewayConfig c = GatewayConfigLoader.load(write(XMPP + """
                access:
                  owners: [ alice@example.org ]
                  things:
                    greenhouse:
                      readers: [ bob@other.example ]
                    "shed-*":
                      readers: [ carol@other.example ]
                      controllers: [ dave@other.example ]
                things:
                  - id: tank
                    driver: recording
                """), drivers);
        assertThat(c.access().things()).containsExactly(
                new AccessConfig.ThingAccess("greenhouse", java.util.List.of("bob@other.example"), java.util.List.of()),
                new AccessConfig.ThingAccess("shed-*", java.util.List.of("carol@other.example"), java.util.List.of("dave@other.example")));
        AccessConfig.ThingAccess sheds = c.access().things().get(1);
        assertThat(sheds.matches("shed-north")).isTrue();
        assertThat(sheds.matches("shed-")).isTrue();
        assertThat(sheds.matches("greenshed-1")).isFalse();

        assertThat(failure(XMPP + """
                access:
                  things:
                    "shed north":
                      readers: [ bob@other.example ]
                """).getMessage()).contains("gateway.yaml:6:").contains("access.things.shed north: 'shed north' is neither a thing id nor a pattern of one");
        assertThat(failure(XMPP + """
                access:
                  things:
                    shed:
                      writers: [ bob@other.example ]
                """).getMessage()).contains("unknown key 'writers'").contains("allowed here: controllers, readers");
        assertThat(failure(XMPP + """
                access:
                  things:
                    shed:
                      readers: [ bob ]
                """).getMessage()).contains("'bob' is not a bare JID");
    }
}
