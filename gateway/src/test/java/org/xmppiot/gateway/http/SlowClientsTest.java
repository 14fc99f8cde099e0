package org.xmppiot.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.testing.ProsodyExtension;

/**
 * Slowloris from one machine on the LAN (here 127.0.0.2): 200 connections that send a request line and a header, then
 * one more header byte now and then and never the end of the headers, each opened again as soon as it is closed, for a
 * whole minute. Meanwhile someone else (127.0.0.1) asks for the page ten times, spread over that minute; each answer
 * must come within 2 seconds, and the gateway keeps publishing.
 */
class SlowClientsTest {

    private static final int ATTACKERS = 200;
    private static final Duration ATTACK = Duration.ofSeconds(60);
    private static final Duration PROMPT = Duration.ofSeconds(2);

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway");

    @TempDir
    Path dir;

    @Test
    void thePageKeepsAnsweringWhileOneAddressHoldsHundredsOfUnfinishedRequests() throws Exception {
        Gateway g = prosody.startGateway(dir, """
                    node-prefix: slow/
                things:
                  - id: tank
                    driver: simulated
                    interval: 200ms
                    fields:
                      - { name: level, unit: cm, waveform: random-walk, min: 0, max: 200, step: 3, decimals: 1 }
                http:
                  enabled: true
                  port: 0
                """);
        int port = g.localViews().address().getPort();
        HttpClient http = HttpClient.newBuilder().connectTimeout(PROMPT).build();
        HttpRequest page = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(PROMPT).build();
        assertThat(http.send(page, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200); // Warm, before the clock matters.

        AtomicBoolean attacking = new AtomicBoolean(true);
        AtomicLong opened = new AtomicLong();
        Thread attacker = new Thread(() -> slowloris(port, attacking, opened), "slowloris");
        attacker.start();
        try {
            long publishedBefore = g.publisher().published();
            List<String> outcomes = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                long due = start + ATTACK.toNanos() * i / 10;
                Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
                try {
                    HttpResponse<String> answer = http.send(page, HttpResponse.BodyHandlers.ofString());
                    outcomes.add(answer.statusCode() == 200 && answer.body().contains("tank") ? "answered" : "status " + answer.statusCode());
                } catch (IOException e) {
                    outcomes.add("not answered within " + PROMPT.toSeconds() + " s: " + e);
                }
            }
            assertThat(outcomes).as("ten requests spread over the minute of the attack").containsOnly("answered").hasSize(10);
            assertThat(opened.get()).as("the attacker kept its connections open and renewed them").isGreaterThan(ATTACKERS);
            assertThat(g.publisher().published()).as("publishing went on").isGreaterThan(publishedBefore + 50);
            assertThat(g.localViews().refusals()).containsKey("too-many-connections");
        } finally {
            attacking.set(false);
            attacker.join(30_000);
        }
    }

    /** Keeps {@link #ATTACKERS} unfinished requests open from 127.0.0.2, one header byte each per second, reopening closed ones. */
    private static void slowloris(int port, AtomicBoolean attacking, AtomicLong opened) {
        Socket[] sockets = new Socket[ATTACKERS];
        try {
            InetAddress from = InetAddress.getByName("127.0.0.2");
            while (attacking.get()) {
                for (int i = 0; i < sockets.length && attacking.get(); i++) {
                    try {
                        if (sockets[i] == null) {
                            Socket s = new Socket();
                            s.bind(new InetSocketAddress(from, 0));
                            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
                            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: gateway\r\nX-a: ".getBytes(StandardCharsets.US_ASCII));
                            sockets[i] = s;
                            opened.incrementAndGet();
                        } else {
                            sockets[i].getOutputStream().write('a');
                        }
                    } catch (IOException closedByTheServer) {
                        close(sockets[i]);
                        sockets[i] = null;
                    }
                }
                Thread.sleep(1000);
            }
        } catch (IOException | InterruptedException e) {
            // The attack ends.
        } finally {
            for (Socket s : sockets) {
                close(s);
            }
        }
    }

    private static void close(Socket s) {
        try {
            if (s != null) {
                s.close();
            }
        } catch (IOException ignored) {
            // Closing an attacker's socket.
        }
    }
}
