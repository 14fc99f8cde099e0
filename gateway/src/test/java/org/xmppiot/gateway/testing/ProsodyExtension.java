package org.xmppiot.gateway.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.demo.ProsodyServer;
import org.xmppiot.gateway.demo.ThrowawayCertificates;
import org.xmppiot.gateway.xmpp.XmppConnectionFactory;

/**
 * One real Prosody per test class on 127.0.0.1, with the accounts the class asks for, stopped by
 * PID after the class. Register with {@code @RegisterExtension static}.
 */
public final class ProsodyExtension implements BeforeAllCallback, AfterAllCallback {

    private final Map<String, String> accounts = new LinkedHashMap<>();
    private final String[] pubsubAdmins;
    private String certificateName;
    private ProsodyServer.ItemStorage itemStorage = ProsodyServer.ItemStorage.FILES;
    private ThrowawayCertificates certificates;
    private ProsodyServer server;
    /** Gateways started by {@link #startGateway}, closed after the class and before the server stops. */
    private final java.util.List<org.xmppiot.gateway.Gateway> gateways = new java.util.ArrayList<>();

    /** {@code pubsubAdmins} are local parts that may create pub/sub nodes. */
    public ProsodyExtension(String... pubsubAdmins) {
        this.pubsubAdmins = pubsubAdmins;
    }

    /** An account created before the tests run; its password is {@code <user>-password}. */
    private boolean requireEncryption;

    public ProsodyExtension withAccount(String user) {
        accounts.put(user, user + "-password");
        return this;
    }

    /** Keeps pub/sub items in this kind of storage instead of Prosody's default files. */
    public ProsodyExtension withItemStorage(ProsodyServer.ItemStorage storage) {
        this.itemStorage = storage;
        return this;
    }

    private boolean invites;

    /** Accounts by invite on localhost (XEP-0401: Prosody's mod_invites); local users may create invites that register. */
    public ProsodyExtension withInvites() {
        this.invites = true;
        return this;
    }

    /** Refuses clients that do not encrypt (c2s_require_encryption), with or without a certificate to offer. */
    public ProsodyExtension requiringEncryption() {
        this.requireEncryption = true;
        return this;
    }

    /** Offers STARTTLS with a certificate for {@code hostName}, signed by a test CA made for this class. */
    public ProsodyExtension withTlsCertificateFor(String hostName) {
        this.certificateName = hostName;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        // Test clients read what the gateway sends: items and answers with <fields/>, QoS IQs.
        org.xmppiot.gateway.iotdata.provider.SensorDataProviders.register();
        org.xmppiot.gateway.qos.QosIqProvider.register();
        String[] admins = new String[pubsubAdmins.length];
        for (int i = 0; i < admins.length; i++) {
            admins[i] = pubsubAdmins[i] + "@" + ProsodyServer.DOMAIN;
        }
        ProsodyServer.Options options = ProsodyServer.Options.withPubSubAdmins(admins).withItemStorage(itemStorage);
        if (requireEncryption) {
            options = options.requiringEncryption();
        }
        if (invites) {
            options = options.withInvites();
        }
        if (certificateName != null) {
            certificates = ThrowawayCertificates.create(certificateName);
            options = options.withTls(certificates.serverCertificate(), certificates.serverKey());
        }
        server = ProsodyServer.start(options);
        for (Map.Entry<String, String> a : accounts.entrySet()) {
            server.register(a.getKey(), a.getValue());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        gateways.forEach(org.xmppiot.gateway.Gateway::close);
        gateways.clear();
        if (server != null) {
            server.close();
        }
        if (certificates != null) {
            certificates.close();
        }
    }

    /** The PEM file of the CA that signed the server's certificate. */
    public Path caFile() {
        return certificates.caCertificate();
    }

    public ProsodyServer server() {
        return server;
    }

    public int port() {
        return server.port();
    }

    public String password(String user) {
        return accounts.get(user);
    }

    /**
     * Writes a configuration for {@code user} on this server into {@code dir} (its password beside it,
     * its store {@code <user>.db} too) and returns the file. {@code rest} continues the {@code pubsub}
     * section and may add further top-level YAML.
     */
    public Path writeConfig(Path dir, String user, String password, String rest) throws IOException {
        Path pw = dir.resolve(user + ".password");
        Files.writeString(pw, password + "\n", StandardCharsets.UTF_8);
        Path file = dir.resolve(user + ".yaml");
        Files.writeString(file, """
                store:
                  path: %s.db
                xmpp:
                  jid: %s@localhost
                  password-file: %s
                  server: 127.0.0.1
                  port: %d
                  tls: disabled
                  connect-timeout: 5s
                  pubsub:
                    service: pubsub.localhost
                %s""".formatted(user, user, pw.getFileName(), server.port(), rest), StandardCharsets.UTF_8);
        return file;
    }

    public Path writeConfig(Path dir, String user, String rest) throws IOException {
        return writeConfig(dir, user, password(user), rest);
    }

    /**
     * A gateway of the account {@code gateway} on this server, started with {@link #writeConfig} and {@code rest},
     * once it is connected. It is closed after the test class, before the server stops.
     */
    public org.xmppiot.gateway.Gateway startGateway(Path dir, String rest) throws Exception {
        org.xmppiot.core.spi.DriverRegistry drivers = org.xmppiot.core.spi.DriverRegistry.fromClassPath();
        org.xmppiot.gateway.Gateway gateway = new org.xmppiot.gateway.Gateway(GatewayConfigLoader.load(writeConfig(dir, "gateway", rest), drivers),
                drivers);
        gateways.add(gateway);
        gateway.start();
        if (gateway.uplink().awaitReady(org.xmppiot.core.testing.Await.GENEROUS) == null) {
            throw new AssertionError("the gateway did not connect: " + gateway.uplink().lastFailure());
        }
        return gateway;
    }

    /** A connection of {@code user} made as the gateway makes its own, not yet connected (add listeners first). */
    public XMPPTCPConnection connection(Path dir, String user) throws Exception {
        return XmppConnectionFactory.create(GatewayConfigLoader.loadXmpp(writeConfig(dir, user, "")));
    }

    /** The same, bound to {@code resource}. */
    public XMPPTCPConnection connection(Path dir, String user, String resource) throws Exception {
        return XmppConnectionFactory.create(GatewayConfigLoader.loadXmpp(writeConfig(dir, user, "")).withResource(resource));
    }
}
