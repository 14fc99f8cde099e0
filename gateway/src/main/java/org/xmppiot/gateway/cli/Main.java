package org.xmppiot.gateway.cli;

import java.io.PrintWriter;
import java.util.Arrays;

import org.slf4j.bridge.SLF4JBridgeHandler;
import org.xmppiot.core.config.ConfigException;
import org.xmppiot.gateway.GatewayStartException;
import org.xmppiot.gateway.store.StoreException;
import org.xmppiot.gateway.xmpp.SmackManagers;

import picocli.CommandLine;

/** Entry point of the {@code xmpp-iot-gateway} command. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; returns the exit code (0 ok, 1 failed at run time, 2 bad configuration or usage). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        // Before anything starts Smack: the extension managers the gateway has no use for stay out of every connection.
        SmackManagers.leaveOutUnused();
        if (Arrays.asList(args).contains("--debug")) {
            // Read by LogSetup; must be set before the first logger exists.
            System.setProperty("xmppiot.log.level", "DEBUG");
            System.setProperty("xmppiot.log.smack", "INFO");
            System.setProperty("xmppiot.log.exceptions", "%ex");
        }
        // Smack logs through java.util.logging; send it to the same place as ours.
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        CommandLine cli = new CommandLine(new GatewayCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException) {
                // Already one sentence with file, line and key.
                commandLine.getErr().println(e.getMessage());
                return ExitCodes.BAD_CONFIG;
            }
            if (e instanceof StoreException || e instanceof GatewayStartException) {
                commandLine.getErr().println("xmpp-iot-gateway: " + e.getMessage());
                return ExitCodes.RUNTIME_FAILURE;
            }
            commandLine.getErr().println("xmpp-iot-gateway: " + e);
            if (parseResult.hasMatchedOption("--debug")) {
                e.printStackTrace(commandLine.getErr());
            }
            return ExitCodes.RUNTIME_FAILURE;
        });
        return cli.execute(args);
    }
}
