package org.xmppiot.gateway.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.xmppiot.core.config.GatewayConfig;
import org.xmppiot.core.config.GatewayConfigLoader;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.gateway.Gateway;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code run}: the gateway itself, until stopped by a signal. */
@Command(name = "run", description = "Run the gateway until stopped (Ctrl-C or SIGTERM).")
final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
        GatewayConfig loaded = GatewayConfigLoader.load(config.file, DriverRegistry.fromClassPath());
        Gateway gateway = new Gateway(loaded, DriverRegistry.fromClassPath());
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            gateway.start();
        } catch (Exception e) {
            Runtime.getRuntime().removeShutdownHook(hook); // start() has stopped what it began.
            throw e;
        }
        stopped.await();
        return ExitCodes.OK;
    }
}
