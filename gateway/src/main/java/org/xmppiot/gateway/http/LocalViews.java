package org.xmppiot.gateway.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.xmppiot.gateway.config.HttpConfig;
import org.xmppiot.gateway.store.ReadingStore;

/**
 * The gateway's local views: the status page at {@code /}, {@code /metrics}, {@code /api/things},
 * {@code /api/things/{id}}, {@code /api/status} and the charts, on Jetty's non-blocking server. A client that sends
 * nothing holds no thread (a selector watches every connection), a connection silent for {@link #IDLE_SECONDS} is
 * closed, one address may hold {@link #CONNECTIONS_PER_ADDRESS} connections and all together {@link #CONNECTIONS}, so
 * a LAN client that opens hundreds of half-finished requests (slowloris) cannot starve the page; the readings never
 * depend on it in any case.
 */
public final class LocalViews implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalViews.class);
    static final int IDLE_SECONDS = 10;
    static final int CONNECTIONS = 256;
    static final int CONNECTIONS_PER_ADDRESS = 16;
    /** Pages are built in a few milliseconds; a few threads serve them, none waits for a slow client. */
    private static final int MAX_THREADS = 6;

    private final Server server;
    private final ServerConnector connector;
    private final RecentWarnings warnings;
    private final RequestGuard guard;
    private final WebLogins logins;
    private final org.xmppiot.gateway.feature.PageControls controls;
    private final boolean secureCookies;
    private final boolean basicAuthentication;
    private final String scheme;
    private final StatusPage page;
    private final StatusJson json;
    private final GatewayMetrics metrics;

    private final PageCertificate certificate;

    private LocalViews(HttpConfig config, ViewedGateway gateway, ReadingStore store) throws IOException {
        warnings = RecentWarnings.attach();
        logins = new WebLogins(gateway.logins(), config.loginTimeout());
        controls = gateway.controls();
        guard = new RequestGuard(config.user(), config.password(), logins, config.asksWhoIsThere());
        secureCookies = config.tls();
        basicAuthentication = config.password() != null;
        scheme = config.scheme();
        page = new StatusPage(gateway, store, warnings);
        json = new StatusJson(gateway, warnings);
        metrics = new GatewayMetrics(gateway, guard);
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2, 60_000);
        threads.setName("http");
        threads.setDaemon(true);
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        // Twice the guard's limit, so that the guard answers (and counts) headers that are too large.
        http.setRequestHeaderSize(2 * RequestGuard.MAX_HEADER_BYTES);
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        certificate = config.tls() ? PageCertificate.loadOrMake(config.keystore()) : null;
        if (certificate == null) {
            connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        } else {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(certificate.keystore().toString());
            ssl.setKeyStorePassword(certificate.password());
            ssl.setKeyStoreType("PKCS12");
            HttpConfiguration https = new HttpConfiguration(http);
            // Reached by address as often as by name: the certificate is checked by its fingerprint, not its name.
            https.addCustomizer(new SecureRequestCustomizer(false));
            // TLS only: a plain HTTP request on this port gets no answer (the handshake fails), never a page.
            connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                    new HttpConnectionFactory(https));
        }
        connector.setHost(config.bind());
        connector.setPort(config.port());
        connector.setIdleTimeout(IDLE_SECONDS * 1000L);
        connector.addBean(new AddressLimit(CONNECTIONS_PER_ADDRESS, () -> guard.refuse(0, "too-many-connections", "")));
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(CONNECTIONS, server));
        ErrorHandler errors = new ErrorHandler();
        errors.setShowStacks(false);
        server.setErrorHandler(errors);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                LocalViews.this.handle(request, response, callback);
                return true;
            }
        });
    }

    /** Serves the views on {@code config}'s address; throws when the port is taken. */
    public static LocalViews start(HttpConfig config, ViewedGateway gateway, ReadingStore store) throws IOException {
        LocalViews views = new LocalViews(config, gateway, store);
        try {
            views.server.start();
        } catch (Exception e) {
            views.close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        log.info("status page on {}://{}:{}/{}{}", config.scheme(), config.bind(), views.address().getPort(),
                !config.asksWhoIsThere() ? "" : " (login by XMPP account" + (config.password() == null ? "" : " or basic authentication, user "
                        + config.user()) + ")",
                views.certificate == null ? "" : "; its certificate's SHA-256 fingerprint is " + views.certificate.sha256()
                        + " (compare it with what the browser shows; curl --pinnedpubkey " + views.certificate.pin() + ")");
        return views;
    }

    /** "https://0.0.0.0:8443/ (certificate SHA-256 AB:CD:...)", or the http address. */
    public String describe() {
        return scheme + "://" + connector.getHost() + ":" + connector.getLocalPort() + "/"
                + (certificate == null ? "" : " (certificate SHA-256 " + certificate.sha256() + ")");
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
    }

    /** Requests refused so far, by reason (also on /metrics as xmppiot_http_refused_total). */
    Map<String, Long> refusals() {
        Map<String, Long> out = new java.util.TreeMap<>();
        guard.refused().forEach((reason, n) -> out.put(reason, n.get()));
        return out;
    }

    private void handle(Request request, Response response, Callback callback) {
        try {
            RequestGuard.Refusal refusal = guard.check(request.getMethod(), request.getHttpURI().getPath(), request.getHttpURI().getPathQuery(),
                    request.getHeaders(), Request.getRemoteAddr(request));
            if (refusal != null && refusal.status() == 401 && browser(request)) {
                // A person at a browser is shown the login page rather than the browser's password box.
                redirect(response, callback, "/login");
                return;
            }
            if (refusal != null) {
                HttpFields.Mutable headers = response.getHeaders();
                if (refusal.status() == 401 && basicAuthentication) {
                    headers.put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"xmpp-iot-gateway\", charset=\"UTF-8\"");
                } else if (refusal.status() == 429) {
                    headers.put(HttpHeader.RETRY_AFTER, Long.toString(RequestGuard.FAILURE_WINDOW_MS / 1000));
                } else if (refusal.status() == 405) {
                    headers.put(HttpHeader.ALLOW, "GET, HEAD");
                }
                if (refusal.status() == 413 || refusal.status() == 405) {
                    // The body is not read: the connection ends after the answer.
                    headers.put(HttpHeader.CONNECTION, "close");
                }
                send(request, response, callback, refusal.status(), "text/plain; charset=utf-8", (refusal.message() + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            route(request, response, callback);
        } catch (IOException | RuntimeException e) {
            log.debug("http request {} failed: {}", request.getHttpURI().getPath(), e.toString());
            callback.failed(e);
        }
    }

    private void route(Request request, Response response, Callback callback) throws IOException {
        String path = request.getHttpURI().getPath();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        switch (path) {
            case "/login" -> login(request, response, callback);
            case "/login/wait" -> {
                WebLogins.State state = logins.state(query(request.getHttpURI().getQuery()).get("code"),
                        RequestGuard.cookie(request.getHeaders(), LOGIN_COOKIE));
                if (state.token() != null) {
                    response.getHeaders().add(HttpHeader.SET_COOKIE, cookie(RequestGuard.SESSION_COOKIE, state.token(), WebLogins.SESSION.toSeconds()));
                }
                send(request, response, callback, 200, "application/json", ("{\"state\":\"" + state.state() + "\"}").getBytes(StandardCharsets.UTF_8));
            }
            case "/logout" -> {
                logins.logout(RequestGuard.cookie(request.getHeaders(), RequestGuard.SESSION_COOKIE));
                response.getHeaders().add(HttpHeader.SET_COOKIE, cookie(RequestGuard.SESSION_COOKIE, "", 0));
                redirect(response, callback, "/login");
            }
            case "/" -> send(request, response, callback, 200, "text/html; charset=utf-8",
                    page.html(ControlForms.html(controls, ownerSession(request))).getBytes(StandardCharsets.UTF_8));
            case "/set" -> set(request, response, callback);
            case "/metrics" -> {
                metrics.write(body);
                send(request, response, callback, 200, metrics.contentType(), body.toByteArray());
            }
            case "/api/status" -> {
                json.status(body);
                send(request, response, callback, 200, "application/json", body.toByteArray());
            }
            case "/api/things" -> {
                json.things(body);
                send(request, response, callback, 200, "application/json", body.toByteArray());
            }
            case "/chart" -> {
                Map<String, String> q = query(request.getHttpURI().getQuery());
                try {
                    String svg = page.chart(q.getOrDefault("thing", ""), q.getOrDefault("field", ""));
                    send(request, response, callback, 200, "image/svg+xml; charset=utf-8", svg.getBytes(StandardCharsets.UTF_8));
                } catch (java.sql.SQLException e) {
                    send(request, response, callback, 500, "text/plain; charset=utf-8",
                            ("the store could not be read: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            default -> {
                String id = path.startsWith("/api/things/") ? URLDecoder.decode(path.substring("/api/things/".length()), StandardCharsets.UTF_8) : null;
                if (id != null && json.thing(id, body)) {
                    send(request, response, callback, 200, "application/json", body.toByteArray());
                } else {
                    guard.refuse(404, "not-found", "");
                    send(request, response, callback, 404, "text/plain; charset=utf-8",
                            (id != null ? "no thing '" + id + "'\n" : "nothing here; try / or /metrics\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }

    static final String LOGIN_COOKIE = "xig_login";

    /** The session of an owner logged in by XMPP, or null (basic authentication and readers only read). */
    private WebLogins.Session ownerSession(Request request) {
        WebLogins.Session s = logins.session(RequestGuard.cookie(request.getHeaders(), RequestGuard.SESSION_COOKIE));
        return s != null && controls != null && controls.isOwner(s.jid()) ? s : null;
    }

    /** An owner's form from the page: the same command door as XEP-0325 and chat, its form token checked. */
    private void set(Request request, Response response, Callback callback) throws IOException {
        Map<String, String> form = query(org.eclipse.jetty.io.Content.Source.asString(request, StandardCharsets.UTF_8));
        WebLogins.Session owner = ownerSession(request);
        if (owner == null || !java.security.MessageDigest.isEqual(owner.formToken().getBytes(StandardCharsets.UTF_8),
                form.getOrDefault("token", "").getBytes(StandardCharsets.UTF_8))) {
            guard.refuse(403, "not-an-owner", "");
            send(request, response, callback, 403, "text/plain; charset=utf-8",
                    "only an owner logged in by XMPP may set values, from the gateway's own page\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        String thing = form.getOrDefault("thing", "");
        String channel = form.getOrDefault("channel", "");
        String value = form.getOrDefault("value", "").strip();
        String refusal = controls.set(owner.jid(), thing, channel, value);
        send(request, response, callback, refusal == null ? 200 : 400, "text/html; charset=utf-8",
                ControlForms.outcome(thing, channel, value, refusal).getBytes(StandardCharsets.UTF_8));
    }

    /** GET: the form; POST: starts a login by XMPP for the JID in the form and shows the code to confirm. */
    private void login(Request request, Response response, Callback callback) throws IOException {
        if (!HttpMethod.POST.is(request.getMethod())) {
            send(request, response, callback, 200, "text/html; charset=utf-8", LoginPage.form("").getBytes(StandardCharsets.UTF_8));
            return;
        }
        String jid = query(org.eclipse.jetty.io.Content.Source.asString(request, StandardCharsets.UTF_8)).getOrDefault("jid", "").strip();
        if (!jid.matches("[^@/\\s]+@[^@/\\s]+")) {
            send(request, response, callback, 400, "text/html; charset=utf-8",
                    LoginPage.form("'" + jid + "' is not a JID; write it as name@example.org").getBytes(StandardCharsets.UTF_8));
            return;
        }
        String url = (secureCookies ? "https" : "http") + "://" + request.getHttpURI().getAuthority() + "/login";
        WebLogins.Pending p = logins.start(jid, url);
        if (p == null) {
            guard.refuse(429, "too-many-logins", "");
            send(request, response, callback, 429, "text/html; charset=utf-8",
                    LoginPage.form("Too many logins were asked for lately; try again in a few minutes.").getBytes(StandardCharsets.UTF_8));
            return;
        }
        response.getHeaders().add(HttpHeader.SET_COOKIE, cookie(LOGIN_COOKIE, p.browserSecret(), -1));
        send(request, response, callback, 200, "text/html; charset=utf-8", LoginPage.waiting(p.jid(), p.code()).getBytes(StandardCharsets.UTF_8));
    }

    /** A cookie only this page's own requests carry, never scripts; {@code maxAge} negative: until the browser closes. */
    private String cookie(String name, String value, long maxAge) {
        return name + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" + (maxAge >= 0 ? "; Max-Age=" + maxAge : "")
                + (secureCookies ? "; Secure" : "");
    }

    private static boolean browser(Request request) {
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        return accept != null && accept.contains("text/html") && !request.getHeaders().contains(HttpHeader.AUTHORIZATION);
    }

    private static void redirect(Response response, Callback callback, String to) {
        response.setStatus(303);
        response.getHeaders().put(HttpHeader.LOCATION, to);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, null, callback);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void send(Request request, Response response, Callback callback, int status, String type, byte[] body) {
        response.setStatus(status);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, type);
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put(HttpHeader.CONTENT_LENGTH, body.length);
        boolean head = HttpMethod.HEAD.is(request.getMethod());
        response.write(true, head || body.length == 0 ? null : ByteBuffer.wrap(body), callback);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.debug("status page did not stop cleanly: {}", e.toString());
        }
        if (warnings != null) {
            warnings.detach();
        }
    }
}
