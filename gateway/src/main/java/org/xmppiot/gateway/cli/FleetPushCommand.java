package org.xmppiot.gateway.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.config.XmppConfig;
import org.xmppiot.gateway.fleet.FleetPush;
import org.xmppiot.gateway.fleet.GatewayAnswer;
import org.xmppiot.gateway.xmpp.XmppFailures;

/** {@code fleet push FILE --to JID...}: one configuration to many gateways, with the outcome of each. */
@Command(name = "push", description = {
        "Send a configuration to gateways (ad-hoc replace-config with its SHA-256 hash) and say for each: accepted, refused (why), unreachable.",
        "Leave the xmpp section out of FILE: each gateway keeps its own account. -c names the owner's configuration."})
final class FleetPushCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Parameters(index = "0", paramLabel = "FILE", description = "The configuration to send.")
    Path document;

    @Option(names = "--to", arity = "1..*", required = true, paramLabel = "JID", description = "The gateways (bare JIDs; resource gateway is added).")
    List<String> targets;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        XmppConfig xmpp = GatewayConfigLoader.loadXmpp(config.file);
        String yaml = Files.readString(document, StandardCharsets.UTF_8);
        List<GatewayAnswer> results;
        try {
            results = FleetPush.push(xmpp, yaml, targets, line -> {
                out.println(line);
                out.flush();
            });
        } catch (Exception e) {
            spec.commandLine().getErr().println(XmppFailures.describe(e, xmpp));
            return ExitCodes.RUNTIME_FAILURE;
        }
        long accepted = results.stream().filter(r -> r.outcome() == GatewayAnswer.Outcome.ACCEPTED).count();
        out.println(accepted + " of " + results.size() + " accepted; refused and unreachable gateways keep their configuration.");
        return accepted == results.size() ? ExitCodes.OK : ExitCodes.RUNTIME_FAILURE;
    }
}
