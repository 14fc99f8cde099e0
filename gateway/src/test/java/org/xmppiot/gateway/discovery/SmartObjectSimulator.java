package org.xmppiot.gateway.discovery;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;

import org.xmppiot.discovery.DiscoveryConfig;

import com.sun.net.httpserver.HttpServer;

/**
 * A smart object in its own process, as an ESP32 board would be: readings as JSON over HTTP on
 * 127.0.0.1, announced by mDNS with {@code data=/data.json} in TXT. Says "ready" when announced; on
 * the line "goodbye" it says goodbye by mDNS and answers "gone", on "hello" it announces itself again
 * and answers "back"; it ends when its input closes.
 */
public final class SmartObjectSimulator {

    public static void main(String[] args) throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/data.json", exchange -> {
            byte[] body = "{\"temperature\": 21.5, \"window-open\": false, \"uptime\": 3600}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        JmDNS jmdns = JmDNS.create(InetAddress.getByName("127.0.0.1"), "kitchen-board");
        int port = http.getAddress().getPort();
        jmdns.registerService(announcement(port));
        System.out.println("ready " + http.getAddress().getPort());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("goodbye")) {
                jmdns.unregisterAllServices();
                System.out.println("gone");
                System.out.flush();
            } else if (line.equals("hello")) {
                jmdns.registerService(announcement(port));
                System.out.println("back");
                System.out.flush();
            }
        }
        jmdns.close();
        http.stop(0);
    }

    private static ServiceInfo announcement(int port) {
        return ServiceInfo.create(DiscoveryConfig.OBJECT_TYPE, "Kitchen Sensor", port, 0, 0, Map.of("data", "/data.json", "model", "esp32-c3"));
    }
}
