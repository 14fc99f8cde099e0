package org.xmppiot.gateway.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.xmppiot.gateway.config.HttpConfig;
import org.xmppiot.gateway.store.ReadingStore;

/**
 * The gateway's local views on the JDK's own HTTP server (no framework: a few hundred kilobytes of heap): the status
 * page at {@code /}, {@code /metrics}, {@code /api/things}, {@code /api/things/{id}}, {@code /api/status} and the
 * charts. A few threads serve it, apart from everything else, so a client that stalls can hold a page, never the
 * readings; the JDK server drops requests and responses that take longer than {@link #STALL_SECONDS}.
 */
public final class LocalViews implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalViews.class);
    static final int STALL_SECONDS = 10;
    private static final int THREADS = 4;

    static {
        // Read once by the JDK server's configuration; a client that sends or reads too slowly is cut off.
        System.setProperty("sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime", Integer.toString(STALL_SECONDS)));
        System.setProperty("sun.net.httpserver.maxRspTime", System.getProperty("sun.net.httpserver.maxRspTime", Integer.toString(STALL_SECONDS)));
    }

    private final HttpServer server;
    private final ExecutorService threads;
    private final RecentWarnings warnings;
    private final RequestGuard guard;
    private final StatusPage page;
    private final StatusJson json;
    private final GatewayMetrics metrics;

    private LocalViews(HttpConfig config, ViewedGateway gateway, ReadingStore store) throws IOException {
        warnings = RecentWarnings.attach();
        guard = new RequestGuard(config.user(), config.password());
        page = new StatusPage(gateway, store, warnings);
        json = new StatusJson(gateway, warnings);
        metrics = new GatewayMetrics(gateway, guard);
        server = HttpServer.create(new InetSocketAddress(config.bind(), config.port()), 16);
        threads = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(64), r -> {
            Thread t = new Thread(r, "http");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
        server.setExecutor(threads);
        server.createContext("/", this::handle);
    }

    /** Serves the views on {@code config}'s address; throws when the port is taken. */
    public static LocalViews start(HttpConfig config, ViewedGateway gateway, ReadingStore store) throws IOException {
        LocalViews views = new LocalViews(config, gateway, store);
        views.server.start();
        log.info("status page on http://{}:{}/{}", config.bind(), views.address().getPort(),
                config.password() == null ? "" : " (basic authentication, user " + config.user() + ")");
        return views;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Requests refused so far, by reason (also on /metrics as xmppiot_http_refused_total). */
    Map<String, Long> refusals() {
        Map<String, Long> out = new java.util.TreeMap<>();
        guard.refused().forEach((reason, n) -> out.put(reason, n.get()));
        return out;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            RequestGuard.Refusal refusal = guard.check(exchange);
            if (refusal != null) {
                if (refusal.status() == 401) {
                    exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"xmpp-iot-gateway\", charset=\"UTF-8\"");
                } else if (refusal.status() == 429) {
                    exchange.getResponseHeaders().set("Retry-After", Long.toString(RequestGuard.FAILURE_WINDOW_MS / 1000));
                } else if (refusal.status() == 405) {
                    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                }
                send(exchange, refusal.status(), "text/plain; charset=utf-8", (refusal.message() + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            route(exchange);
        } catch (IOException | RuntimeException e) {
            log.debug("http request {} failed: {}", exchange.getRequestURI(), e.toString());
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        switch (path) {
            case "/" -> send(exchange, 200, "text/html; charset=utf-8", page.html().getBytes(StandardCharsets.UTF_8));
            case "/metrics" -> {
                metrics.write(body);
                send(exchange, 200, metrics.contentType(), body.toByteArray());
            }
            case "/api/status" -> {
                json.status(body);
                send(exchange, 200, "application/json", body.toByteArray());
            }
            case "/api/things" -> {
                json.things(body);
                send(exchange, 200, "application/json", body.toByteArray());
            }
            case "/chart" -> {
                Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
                try {
                    String svg = page.chart(q.getOrDefault("thing", ""), q.getOrDefault("field", ""));
                    send(exchange, 200, "image/svg+xml; charset=utf-8", svg.getBytes(StandardCharsets.UTF_8));
                } catch (java.sql.SQLException e) {
                    send(exchange, 500, "text/plain; charset=utf-8", ("the store could not be read: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            default -> {
                String id = path.startsWith("/api/things/") ? URLDecoder.decode(path.substring("/api/things/".length()), StandardCharsets.UTF_8) : null;
                if (id != null && json.thing(id, body)) {
                    send(exchange, 200, "application/json", body.toByteArray());
                } else {
                    guard.refuse(404, "not-found", "");
                    send(exchange, 404, "text/plain; charset=utf-8", (id != null ? "no thing '" + id + "'\n" : "nothing here; try / or /metrics\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
            }
        }
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

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        if (warnings != null) {
            warnings.detach();
        }
    }
}
