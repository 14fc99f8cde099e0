package org.xmppiot.gateway.config;

import org.xmppiot.discovery.DiscoveryConfig;
import org.xmppiot.core.config.YamlConfigReader;
import org.xmppiot.core.config.Secret;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.xmppiot.core.spi.DriverFactory;
import org.xmppiot.core.spi.DriverRegistry;

/**
 * Reads and validates the gateway's YAML configuration. Every mistake ends in one
 * {@link ConfigException} naming file, line, key and what is allowed.
 */
public final class GatewayConfigLoader {

    private static final Set<String> TOP_KEYS = Set.of("xmpp", "access", "things", "bus", "store", "observe", "discovery", "http");
    private static final Set<String> XMPP_KEYS = Set.of("jid", "password-file", "password-env", "resource", "server", "servers",
            "port", "tls", "ca-file", "connect-timeout", "reconnect-max-delay", "keepalive", "stall-after", "ping-timeout", "pubsub");
    private static final Set<String> PUBSUB_KEYS = Set.of("service", "node-prefix", "access-model", "max-items", "persist-items",
            "readings-per-item", "item-interval");
    private static final Set<String> ACCESS_KEYS = Set.of("owners", "readers", "things");
    private static final Set<String> THING_ACCESS_KEYS = Set.of("readers", "controllers");
    private static final Pattern THING_PATTERN = Pattern.compile("[A-Za-z0-9*][A-Za-z0-9_.*-]{0,63}");
    private static final Set<String> BUS_KEYS = Set.of("queue-capacity");
    private static final Set<String> DISCOVERY_KEYS = Set.of("enabled", "bind", "advertise", "browse", "max-objects", "poll-interval");
    private static final Pattern SERVICE_TYPE = Pattern.compile("_[A-Za-z0-9-]{1,63}\\._(tcp|udp)\\.local\\.");
    private static final Set<String> OBSERVE_KEYS = Set.of("qos", "offline-timeout", "retry-for");
    private static final Set<String> HTTP_KEYS = Set.of("enabled", "bind", "port", "user", "password-file", "tls", "keystore", "login-timeout");
    private static final Set<String> STORE_KEYS = Set.of("path", "max-size", "max-age", "commit-interval", "confirmed-commit-interval");

    private static final Pattern BARE_JID = Pattern.compile("[^@/\\s\"&'<>:]+@[^@/\\s]+");
    private static final Pattern THING_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern RESOURCE = Pattern.compile("[^\\s/]{1,64}");

    private GatewayConfigLoader() {
    }

    /** Loads the whole configuration and checks every thing's driver settings. */
    public static GatewayConfig load(Path file, DriverRegistry drivers) throws ConfigException {
        ConfigNode root = YamlConfigReader.read(file);
        root.expectOnlyKeys(TOP_KEYS);
        XmppConfig xmpp = xmpp(root.section("xmpp"), file);
        AccessConfig access = access(root.section("access"));
        List<ThingConfig> things = things(root, drivers);
        ConfigNode bus = root.section("bus");
        bus.expectOnlyKeys(BUS_KEYS);
        int capacity = bus.integer("queue-capacity", 10_000, 16, 10_000_000);
        StoreConfig store = store(root.section("store"), file);
        return new GatewayConfig(file, xmpp, access, things, capacity, store,
                observe(root.section("observe")), discovery(root.section("discovery")), http(root.section("http"), file, store, access));
    }

    private static HttpConfig http(ConfigNode h, Path file, StoreConfig store, AccessConfig access) throws ConfigException {
        h.expectOnlyKeys(HTTP_KEYS);
        HttpConfig off = HttpConfig.off();
        String bind = h.string("bind", off.bind());
        try {
            InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw h.get("bind").error("'" + bind + "' is not an address of this machine; write 127.0.0.1 (the default), 0.0.0.0 or one of its addresses");
        }
        Secret password = h.has("password-file") ? secretFile(h, "password-file", file, "the status page's password") : null;
        boolean enabled = h.bool("enabled", false);
        // Other machines reach the page only after a login: by XMPP (an owner or reader confirms) or the basic password.
        if (enabled && password == null && !HttpConfig.isLoopback(bind) && access.everyone().isEmpty()) {
            throw h.get("bind").error("the status page on " + bind + " can be reached from other machines, and nobody could log in:"
                    + " name owners or readers under access (they log in with their XMPP account), set password-file, or bind 127.0.0.1");
        }
        // HTTPS wherever other machines can reach the page: the basic password must not cross the LAN in clear.
        String tls = h.choice("tls", "auto", "auto", "on", "off");
        if (tls.equals("off") && !HttpConfig.isLoopback(bind)) {
            throw h.get("tls").error("'off' would send the page's password in clear to " + bind + ", which other machines can reach;"
                    + " leave tls out (HTTPS with a certificate made at the first start) or bind 127.0.0.1");
        }
        boolean https = tls.equals("on") || (tls.equals("auto") && !HttpConfig.isLoopback(bind));
        Path keystore = h.has("keystore") ? relativeToConfig(Path.of(h.string("keystore")), file)
                : store.path().toAbsolutePath().resolveSibling("http-tls.p12");
        return new HttpConfig(enabled, bind, h.integer("port", off.port(), 0, 65535), h.string("user", off.user()), password, https, keystore,
                h.duration("login-timeout", HttpConfig.DEFAULT_LOGIN_TIMEOUT, Duration.ofSeconds(5), Duration.ofMinutes(10)));
    }

    private static DiscoveryConfig discovery(ConfigNode d) throws ConfigException {
        d.expectOnlyKeys(DISCOVERY_KEYS);
        DiscoveryConfig off = DiscoveryConfig.off();
        String bind = d.string("bind", "auto");
        if (!"auto".equals(bind)) {
            try {
                if (!(InetAddress.getByName(bind) instanceof java.net.Inet4Address) || !bind.matches("[0-9.]+")) {
                    throw d.get("bind").error("'" + bind + "' is not an IPv4 address of this machine; write one such as 192.168.1.20, or auto");
                }
            } catch (UnknownHostException e) {
                throw d.get("bind").error("'" + bind + "' is not an IPv4 address; write one such as 192.168.1.20, or auto");
            }
        }
        List<String> browse = new ArrayList<>();
        if (d.has("browse")) {
            for (ConfigNode t : d.list("browse")) {
                String type = t.asString();
                String full = type.endsWith(".local.") ? type : type + ".local.";
                if (!SERVICE_TYPE.matcher(full).matches()) {
                    throw t.error("'" + type + "' is not a DNS-SD service type; write it like _http._tcp or _shelly._tcp.local.");
                }
                browse.add(full);
            }
        } else {
            browse.addAll(off.browse());
        }
        return new DiscoveryConfig(d.bool("enabled", false), bind, d.bool("advertise", true), browse,
                d.integer("max-objects", off.maxObjects(), 1, 10_000),
                d.duration("poll-interval", off.pollInterval(), Duration.ofSeconds(1), Duration.ofDays(1)));
    }

    private static ObserveConfig observe(ConfigNode o) throws ConfigException {
        o.expectOnlyKeys(OBSERVE_KEYS);
        ObserveConfig d = ObserveConfig.defaults();
        return new ObserveConfig(o.choice("qos", d.qos(), ObserveConfig.QOS_LEVELS),
                o.duration("offline-timeout", d.offlineTimeout(), Duration.ofSeconds(1), Duration.ofDays(30)),
                o.duration("retry-for", d.retryFor(), Duration.ofSeconds(1), Duration.ofDays(7)));
    }

    private static StoreConfig store(ConfigNode s, Path file) throws ConfigException {
        s.expectOnlyKeys(STORE_KEYS);
        Path path = s.has("path") ? relativeToConfig(Path.of(s.string("path")), file) : StoreConfig.DEFAULT_PATH;
        if (Files.isDirectory(path)) {
            throw s.get("path").error(path + " is a directory; give the path of the database file, e.g. " + path.resolve("readings.db"));
        }
        long maxBytes = s.byteSize("max-size", StoreConfig.DEFAULT_MAX_BYTES, 1_000_000L, 1_000_000_000_000L);
        Duration maxAge = s.duration("max-age", StoreConfig.DEFAULT_MAX_AGE, Duration.ofMinutes(1), Duration.ofDays(3650));
        Duration commit = s.duration("commit-interval", StoreConfig.DEFAULT_COMMIT_INTERVAL, Duration.ZERO, Duration.ofSeconds(10));
        Duration confirmed = s.duration("confirmed-commit-interval", StoreConfig.DEFAULT_CONFIRMED_COMMIT_INTERVAL, Duration.ZERO,
                Duration.ofMinutes(5));
        if (confirmed.compareTo(commit) < 0) {
            // 0ms: confirmed readings wait no longer than others. Only a given value in between is a mistake.
            if (s.has("confirmed-commit-interval") && !confirmed.isZero()) {
                throw s.get("confirmed-commit-interval").error("is shorter than commit-interval (" + commit.toMillis()
                        + " ms); readings the server confirmed never need an earlier commit than those it did not: make it at least that");
            }
            confirmed = commit;
        }
        return new StoreConfig(path, maxBytes, maxAge, commit, confirmed);
    }

    /**
     * Loads only the {@code xmpp} section, for tools such as {@code watch} that connect with an
     * account of their own; other sections are ignored.
     */
    public static XmppConfig loadXmpp(Path file) throws ConfigException {
        ConfigNode root = YamlConfigReader.read(file);
        return xmpp(root.section("xmpp"), file);
    }

    /**
     * The {@code xmpp} section of a file whose account does not exist yet ({@code join} creates it): {@code password}
     * stands in for the one the section names.
     */
    public static XmppConfig loadXmpp(Path file, Secret password) throws ConfigException {
        return xmpp(YamlConfigReader.read(file).section("xmpp"), file, password);
    }

    /** The file {@code xmpp.password-file} names, resolved; null when the section has none (password-env). */
    public static Path passwordFile(Path file) throws ConfigException {
        ConfigNode x = YamlConfigReader.read(file).section("xmpp");
        return x.has("password-file") ? relativeToConfig(Path.of(x.string("password-file")), file) : null;
    }

    static XmppConfig xmpp(ConfigNode x, Path file) throws ConfigException {
        return xmpp(x, file, null);
    }

    private static XmppConfig xmpp(ConfigNode x, Path file, Secret givenPassword) throws ConfigException {
        if (!x.isPresent() || x.keys().isEmpty()) {
            throw x.error("the xmpp section is required: it needs at least jid and password-file (or password-env)");
        }
        x.expectOnlyKeys(XMPP_KEYS);
        String jid = x.string("jid");
        if (!BARE_JID.matcher(jid).matches()) {
            throw x.get("jid").error("'" + jid + "' is not a bare JID; write it as name@domain, without a /resource");
        }
        Secret password = givenPassword != null ? givenPassword : password(x, file);
        String resource = x.string("resource", "gateway");
        if (!RESOURCE.matcher(resource).matches()) {
            throw x.get("resource").error("'" + resource + "' is not a usable resource; use up to 64 characters without spaces or '/'");
        }
        String server = x.string("server", null);
        int port = x.integer("port", 5222, 1, 65535);
        if (x.has("port") && server == null) {
            throw x.get("port").error("a port only makes sense with xmpp.server; without a server the port comes from DNS SRV");
        }
        List<XmppConfig.Server> servers = servers(x);
        if (!servers.isEmpty()) {
            if (server != null) {
                throw x.get("servers").error("give either server (and port) or servers, not both");
            }
            server = servers.get(0).host();
            port = servers.get(0).port();
            servers = servers.subList(1, servers.size());
        }
        XmppConfig.TlsMode tls = "disabled".equals(x.choice("tls", "required", "required", "disabled"))
                ? XmppConfig.TlsMode.DISABLED : XmppConfig.TlsMode.REQUIRED;
        if (tls == XmppConfig.TlsMode.DISABLED && (!isLoopback(server) || !servers.stream().allMatch(t -> isLoopback(t.host())))) {
            throw x.get("tls").error("'disabled' is only allowed when xmpp.server is on this machine's loopback "
                    + "(127.0.0.1, ::1 or localhost), so no password crosses a network in clear; use 'required'");
        }
        Path caFile = caFile(x, file, tls);
        Duration connectTimeout = x.duration("connect-timeout", Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(5));
        Duration reconnectMax = x.duration("reconnect-max-delay", Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofHours(1));
        XmppConfig.Liveness d = XmppConfig.Liveness.DEFAULT;
        XmppConfig.Liveness liveness = new XmppConfig.Liveness(
                x.duration("keepalive", d.keepalive(), Duration.ofSeconds(5), Duration.ofHours(1)),
                x.duration("stall-after", d.stallAfter(), Duration.ofSeconds(2), Duration.ofMinutes(10)),
                x.duration("ping-timeout", d.pingTimeout(), Duration.ofSeconds(1), Duration.ofMinutes(5)));
        String localpart = jid.substring(0, jid.indexOf('@'));
        String domain = jid.substring(jid.indexOf('@') + 1);
        return new XmppConfig(jid, password, resource, server, port, tls, caFile, connectTimeout, reconnectMax,
                pubsub(x.section("pubsub"), localpart, domain), servers, liveness);
    }

    /** {@code servers: [ host:port, ... ]}: the servers of one service (cluster nodes) in the order to try them. */
    private static List<XmppConfig.Server> servers(ConfigNode x) throws ConfigException {
        if (!x.has("servers")) {
            return new ArrayList<>();
        }
        List<XmppConfig.Server> out = new ArrayList<>();
        for (ConfigNode item : x.list("servers")) {
            String text = item.asString().trim();
            int colon = text.lastIndexOf(':');
            String host = colon > 0 ? text.substring(0, colon) : text;
            int port = 5222;
            if (colon > 0) {
                try {
                    port = Integer.parseInt(text.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
            }
            if (host.isBlank() || port < 1 || port > 65535 || host.contains(" ")) {
                throw item.error("'" + text + "' is not a server; write host:port, e.g. xmpp1.example.org:5222 (the port may be left out: 5222)");
            }
            out.add(new XmppConfig.Server(host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host, port));
        }
        if (out.isEmpty()) {
            throw x.get("servers").error("lists no server; give at least one host:port, or leave servers out to use DNS SRV");
        }
        return out;
    }

    /** A PEM file of CA certificates to trust instead of the system's, checked to hold at least one. */
    private static Path caFile(ConfigNode x, Path configFile, XmppConfig.TlsMode tls) throws ConfigException {
        if (!x.has("ca-file")) {
            return null;
        }
        ConfigNode node = x.get("ca-file");
        if (tls == XmppConfig.TlsMode.DISABLED) {
            throw node.error("a CA file only makes sense with tls: required");
        }
        Path path = relativeToConfig(Path.of(x.string("ca-file")), configFile);
        try (var in = Files.newInputStream(path)) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                throw node.error(path + " holds no certificate; it must hold PEM certificates (-----BEGIN CERTIFICATE-----)");
            }
        } catch (NoSuchFileException e) {
            throw node.error("no such file: " + path);
        } catch (AccessDeniedException e) {
            throw node.error("permission denied reading " + path);
        } catch (IOException | CertificateException e) {
            throw node.error(path + " is not a readable PEM certificate file: " + e.getMessage());
        }
        return path;
    }

    private static Path relativeToConfig(Path path, Path configFile) {
        Path parent = configFile.toAbsolutePath().getParent();
        // Normalised, so that messages name /home/pi/gw/readings.db rather than /home/pi/gw/../gw/readings.db.
        return (path.isAbsolute() || parent == null ? path : parent.resolve(path)).normalize();
    }

    private static PubSubConfig pubsub(ConfigNode p, String localpart, String domain) throws ConfigException {
        p.expectOnlyKeys(PUBSUB_KEYS);
        String service = p.string("service", "pubsub." + domain);
        // A domain (pubsub.example.org), "pep" (the gateway's own PEP nodes), or an account's bare JID (a watcher reading a
        // gateway's PEP nodes).
        if (service.contains("/") || service.isBlank() || service.chars().anyMatch(Character::isWhitespace)) {
            throw p.get("service").error("'" + service + "' is not a service address; write a domain such as pubsub." + domain
                    + ", 'pep' for the account's own PEP nodes, or the account (gateway@" + domain + ") whose PEP nodes to read");
        }
        String prefix = p.has("node-prefix") ? p.get("node-prefix").asString() : localpart + "/";
        if (prefix.chars().anyMatch(Character::isWhitespace)) {
            throw p.get("node-prefix").error("must not contain spaces");
        }
        String accessModel = p.choice("access-model", "whitelist", PubSubConfig.ACCESS_MODELS);
        int maxItems = p.integer("max-items", 10, 1, 1_000_000);
        boolean persist = p.bool("persist-items", true);
        int perItem = p.integer("readings-per-item", PubSubConfig.DEFAULT_READINGS_PER_ITEM, 1, 1000);
        Duration itemInterval = p.duration("item-interval", PubSubConfig.DEFAULT_ITEM_INTERVAL, Duration.ZERO, Duration.ofSeconds(10));
        return new PubSubConfig(service, prefix, accessModel, maxItems, persist, perItem, itemInterval);
    }

    private static Secret password(ConfigNode x, Path configFile) throws ConfigException {
        boolean hasFile = x.has("password-file");
        boolean hasEnv = x.has("password-env");
        if (hasFile == hasEnv) {
            throw (hasFile ? x.get("password-env") : x).error(hasFile
                    ? "give either password-file or password-env, not both"
                    : "a password is required: set password-file (a file holding only the password) or password-env "
                      + "(the name of an environment variable)");
        }
        if (hasEnv) {
            String name = x.string("password-env");
            String value = System.getenv(name);
            if (value == null || value.isEmpty()) {
                throw x.get("password-env").error("the environment variable " + name + " is not set or empty");
            }
            return new Secret(value, "environment variable " + name);
        }
        return secretFile(x, "password-file", configFile, "the account's password");
    }

    /** A file that holds only a password; {@code what} says whose, for the error. */
    private static Secret secretFile(ConfigNode x, String key, Path configFile, String what) throws ConfigException {
        Path path = relativeToConfig(Path.of(x.string(key)), configFile);
        String value;
        try {
            value = Files.readString(path, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw x.get(key).error("no such file: " + path);
        } catch (AccessDeniedException e) {
            throw x.get(key).error("permission denied reading " + path + "; the gateway's user must be able to read it");
        } catch (IOException e) {
            throw x.get(key).error("cannot read " + path + ": " + e.getMessage());
        }
        if (value.isEmpty()) {
            throw x.get(key).error(path + " is empty; it must hold " + what);
        }
        return new Secret(value, path.toString());
    }

    private static boolean isLoopback(String server) {
        if (server == null) {
            return false;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(server)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static AccessConfig access(ConfigNode a) throws ConfigException {
        a.expectOnlyKeys(ACCESS_KEYS);
        return new AccessConfig(jids(a, "owners"), jids(a, "readers"), thingAccess(a));
    }

    /** {@code access.things}: a section per thing id or pattern, each with its readers and controllers. */
    private static List<AccessConfig.ThingAccess> thingAccess(ConfigNode a) throws ConfigException {
        List<AccessConfig.ThingAccess> out = new ArrayList<>();
        if (!a.has("things")) {
            return out;
        }
        ConfigNode things = a.section("things");
        for (String pattern : things.keys()) {
            ConfigNode t = things.section(pattern);
            if (!THING_PATTERN.matcher(pattern).matches()) {
                throw t.error("'" + pattern + "' is neither a thing id nor a pattern of one; use letters, digits, '.', '_', '-'"
                        + " and '*' for any run of characters");
            }
            t.expectOnlyKeys(THING_ACCESS_KEYS);
            out.add(new AccessConfig.ThingAccess(pattern, jids(t, "readers"), jids(t, "controllers")));
        }
        return out;
    }

    private static List<String> jids(ConfigNode a, String key) throws ConfigException {
        List<String> out = new ArrayList<>();
        for (ConfigNode item : a.list(key)) {
            String jid = item.asString();
            if (!BARE_JID.matcher(jid).matches()) {
                throw item.error("'" + jid + "' is not a bare JID; write it as name@domain");
            }
            out.add(jid);
        }
        return out;
    }

    private static List<ThingConfig> things(ConfigNode root, DriverRegistry drivers) throws ConfigException {
        List<ThingConfig> things = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (ConfigNode t : root.list("things")) {
            if (t.kind() != ConfigNode.Kind.MAP) {
                throw t.error("each thing must be a section of keys with at least id and driver");
            }
            String id = t.string("id");
            if (!THING_ID.matcher(id).matches()) {
                throw t.get("id").error("'" + id + "' is not a usable id; use letters, digits, '.', '_' or '-', "
                        + "starting with a letter or digit, at most 64 characters");
            }
            Integer firstLine = seen.putIfAbsent(id, t.get("id").line());
            if (firstLine != null) {
                throw t.get("id").error("the id '" + id + "' is already used by the thing on line " + firstLine);
            }
            DriverFactory factory = drivers.find(t.get("driver"));
            Set<String> allowed = new HashSet<>(ThingConfig.COMMON_KEYS);
            allowed.addAll(factory.settingKeys());
            t.expectOnlyKeys(allowed);
            ThingConfig thing = new ThingConfig(id, t.string("name", id), factory.name(), t);
            thing.enabled(); // A bad value is reported here, with its line, not at start.
            factory.create(thing).close();
            things.add(thing);
        }
        Map<String, List<ThingConfig>> byDriver = new HashMap<>();
        for (ThingConfig thing : things) {
            if (thing.enabled()) {
                byDriver.computeIfAbsent(thing.driver(), k -> new ArrayList<>()).add(thing);
            }
        }
        for (Map.Entry<String, List<ThingConfig>> e : byDriver.entrySet()) {
            drivers.find(e.getValue().get(0).section().get("driver")).checkTogether(e.getValue());
        }
        return things;
    }
}
