package org.xmppiot.gateway.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.GatewayConfig;
import org.xmppiot.core.config.GatewayConfigLoader;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.gateway.Gateway;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code run}: the gateway itself, until stopped by a signal. */
@Command(name = "run", description = "Run the gateway until stopped (Ctrl-C or SIGTERM).")
final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        GatewayConfig loaded;
        try {
            loaded = GatewayConfigLoader.load(config.file, DriverRegistry.fromClassPath());
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return ExitCodes.BAD_CONFIG;
        }
        Gateway gateway = new Gateway(loaded, DriverRegistry.fromClassPath());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "shutdown"));
        gateway.start();
        stopped.await();
        return ExitCodes.OK;
    }
}
