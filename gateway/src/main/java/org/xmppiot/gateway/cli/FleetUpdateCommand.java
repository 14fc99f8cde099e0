package org.xmppiot.gateway.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.config.XmppConfig;
import org.xmppiot.gateway.fleet.FleetUpdate;
import org.xmppiot.gateway.xmpp.XmppFailures;

/** {@code fleet update VERSION [--canary JID...] --to JID...}: gateways move to a version of the package, canaries first. */
@Command(name = "update", description = {
        "Move gateways to VERSION of the package (ad-hoc command update; each gateway's update helper installs it from its apt",
        "repository and installs the running version again unless the new one is connected and publishing soon).",
        "Canaries go first; the others are asked only when every canary updated and stayed online for --soak.",
        "Says for each gateway: updated, rolled back (why), refused (why), unreachable, no outcome, not asked."})
final class FleetUpdateCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Parameters(index = "0", paramLabel = "VERSION", description = "The package version to install, e.g. 0.2.0.")
    String version;

    @Option(names = "--canary", arity = "1..*", paramLabel = "JID", description = "Gateways updated first (bare JIDs).")
    List<String> canaries = new ArrayList<>();

    @Option(names = "--to", arity = "1..*", paramLabel = "JID", description = "The other gateways (bare JIDs; resource gateway is added).")
    List<String> targets = new ArrayList<>();

    @Option(names = "--soak", defaultValue = "10m", description = "How long the canaries must stay online after updating (default ${DEFAULT-VALUE}).")
    String soak;

    @Option(names = "--wait", defaultValue = "15m", description = "How long to wait for each ring's outcomes (default ${DEFAULT-VALUE}).")
    String wait;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration soakFor = ConfigNode.parseDuration(soak);
        Duration waitFor = ConfigNode.parseDuration(wait);
        if (soakFor == null || waitFor == null) {
            err.println((soakFor == null ? "--soak " + soak : "--wait " + wait) + " is not a duration; write it like 10m, 1h or 90s");
            return ExitCodes.BAD_CONFIG;
        }
        if (canaries.isEmpty() && targets.isEmpty()) {
            err.println("name the gateways to update with --to JID... (and --canary JID... for those to go first)");
            return ExitCodes.BAD_CONFIG;
        }
        XmppConfig xmpp = GatewayConfigLoader.loadXmpp(config.file);
        List<FleetUpdate.Result> results;
        try {
            results = FleetUpdate.run(xmpp, new FleetUpdate.Plan(version, canaries, targets, soakFor, waitFor), line -> {
                out.println(line);
                out.flush();
            });
        } catch (Exception e) {
            err.println(XmppFailures.describe(e, xmpp));
            return ExitCodes.RUNTIME_FAILURE;
        }
        long updated = results.stream().filter(FleetUpdate.Result::updated).count();
        out.println(updated + " of " + results.size() + " updated to " + version + ".");
        return updated == results.size() ? ExitCodes.OK : ExitCodes.RUNTIME_FAILURE;
    }
}
