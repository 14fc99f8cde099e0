package org.xmppiot.gateway.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.gateway.GatewaySupervisor;
import org.xmppiot.gateway.onboarding.PendingInvite;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code run}: the gateway itself, until stopped by a signal; owners may replace its configuration while it runs, SIGHUP
 * re-reads the file. An invite left beside the configuration is used first ({@link PendingInvite}).
 */
@Command(name = "run", description = "Run the gateway until stopped (Ctrl-C or SIGTERM).")
final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DriverRegistry drivers = DriverRegistry.fromClassPath();
        String notJoined = PendingInvite.joinIfAny(config.file, drivers);
        if (notJoined != null) {
            spec.commandLine().getErr().println("xmpp-iot-gateway: " + notJoined);
            return ExitCodes.BAD_CONFIG; // Starting again cannot help: the invite is used up or wrong.
        }
        GatewayConfigLoader.load(config.file, drivers); // A broken file ends here, with its line and key.
        GatewaySupervisor supervisor = new GatewaySupervisor(config.file, drivers);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            // Said at once: stopping may take up to the publish drain (10 s) and a server that no longer answers.
            org.slf4j.LoggerFactory.getLogger(RunCommand.class).info("stopping: the drivers first, then what was read is"
                    + " committed and, while connected, published (up to 10 s)");
            supervisor.close();
            stopped.countDown();
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        // Before start: from the first moment, SIGHUP means reload, never the JVM's default (stop).
        ReloadSignal.onHangup(supervisor::reload);
        try {
            supervisor.start();
        } catch (Exception e) {
            Runtime.getRuntime().removeShutdownHook(hook); // start() has stopped what it began.
            throw e;
        }
        stopped.await();
        return ExitCodes.OK;
    }
}
