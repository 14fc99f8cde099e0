package org.xmppiot.gateway.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.xmppiot.gateway.config.GatewayConfig;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.config.XmppConfig;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.demo.DemoEnvironment;
import org.xmppiot.gateway.watch.ReadingFormatter;
import org.xmppiot.gateway.watch.ReadingWatcher;
import org.xmppiot.gateway.xmpp.XmppFailures;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code demo}: the whole path on one machine. A throwaway Prosody on 127.0.0.1, the gateway with
 * two simulated things, and a watcher account printing what arrives from the server.
 */
@Command(name = "demo", description = {
        "Start a throwaway Prosody on 127.0.0.1, the gateway with simulated sensors, and a watcher",
        "that prints the readings arriving from the server. Ctrl-C stops everything it started.",
        "Needs Prosody installed (apt-get install prosody), socat for --serial, openssl for --tls."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--seconds", paramLabel = "N", description = "Stop by itself after N seconds (default: run until Ctrl-C).")
    long seconds;

    @Option(names = "--serial", description = "Make the second thing a simulated Arduino on a pseudo-terminal, read by the serial driver (needs socat).")
    boolean serial;

    @Option(names = "--tls", description = {"Have Prosody offer STARTTLS with a certificate from a throwaway CA (needs openssl):",
            "the gateway and the watcher require TLS and verify the certificate, as with a real server."})
    boolean tls;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        err.println("demo: starting a throwaway Prosody on 127.0.0.1" + (tls ? " with STARTTLS" : "") + " ...");
        DemoEnvironment env = DemoEnvironment.start(serial, tls);
        Gateway gateway = null;
        ReadingWatcher watcher = null;
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch cleanedUp = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                cleanedUp.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            err.println("demo: Prosody pid=" + env.server().pid() + " port=" + env.server().port());
            err.println("demo: gateway configuration " + env.gatewayConfig() + ":");
            err.println(Files.readString(env.gatewayConfig()).stripTrailing());
            GatewayConfig config = GatewayConfigLoader.load(env.gatewayConfig(), DriverRegistry.fromClassPath());
            gateway = new Gateway(config, DriverRegistry.fromClassPath());
            gateway.start();
            if (gateway.uplink().awaitReady(Duration.ofSeconds(15)) == null) {
                err.println("demo: the gateway did not connect: " + gateway.uplink().lastFailure());
                return ExitCodes.RUNTIME_FAILURE;
            }
            XmppConfig watcherAccount = GatewayConfigLoader.loadXmpp(env.watcherConfig());
            watcher = new ReadingWatcher(watcherAccount, reading -> {
                synchronized (out) {
                    out.println("watcher: " + ReadingFormatter.format(reading));
                    out.flush();
                }
            });
            try {
                watcher.start(env.nodes());
            } catch (Exception e) {
                err.println("demo: the watcher could not subscribe: " + XmppFailures.describe(e, watcherAccount));
                return ExitCodes.RUNTIME_FAILURE;
            }
            err.println("demo: watcher@localhost subscribed to " + String.join(", ", env.nodes())
                    + "; readings follow. Ctrl-C stops the demo.");
            if (seconds > 0) {
                stop.await(seconds, TimeUnit.SECONDS);
            } else {
                stop.await();
            }
            return ExitCodes.OK;
        } finally {
            if (watcher != null) {
                watcher.close();
            }
            if (gateway != null) {
                gateway.close();
            }
            env.close();
            err.println("demo: stopped the gateway and Prosody (pid " + env.server().pid() + ")");
            cleanedUp.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and waits for the clean-up above.
            }
        }
    }
}
