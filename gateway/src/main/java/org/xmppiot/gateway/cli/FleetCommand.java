package org.xmppiot.gateway.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.config.XmppConfig;
import org.xmppiot.gateway.fleet.FleetView;
import org.xmppiot.gateway.fleet.StatusBeacon;
import org.xmppiot.gateway.xmpp.XmppFailures;

/** {@code fleet}: the owner's gateways with their presence and last status, from the owner's presence subscriptions. */
@Command(name = "fleet", subcommands = {FleetPushCommand.class, FleetUpdateCommand.class}, description = {
        "List the gateways this account owns: online or not, and each one's last status (things, reasons, backlog).",
        "Uses the xmpp section of the configuration file: an owner's account, not a gateway's."})
final class FleetCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Option(names = "--add", paramLabel = "JID", description = "Ask these gateways for their presence first (they grant it to their owners).")
    List<String> add = new ArrayList<>();

    @Option(names = "--seconds", defaultValue = "10", description = "The longest to wait for statuses; done sooner when every contact reported (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--stale", defaultValue = "15m", description = "A status older than this is marked stale (default ${DEFAULT-VALUE}: three heartbeats).")
    String stale;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        XmppConfig xmpp = GatewayConfigLoader.loadXmpp(config.file);
        Duration staleAfter = org.xmppiot.core.config.ConfigNode.parseDuration(stale);
        if (staleAfter == null) {
            spec.commandLine().getErr().println("--stale " + stale + " is not a duration; write it like 15m, 1h or 90s");
            return ExitCodes.BAD_CONFIG;
        }
        List<FleetView.Gateway> gateways;
        try {
            gateways = FleetView.gather(xmpp, add, Duration.ofSeconds(Math.max(1, seconds)));
        } catch (Exception e) {
            spec.commandLine().getErr().println(XmppFailures.describe(e, xmpp));
            return ExitCodes.RUNTIME_FAILURE;
        }
        if (gateways.isEmpty()) {
            out.println("no gateway status heard: add gateways with --add JID (each must list "
                    + xmpp.jid() + " among its owners or readers); statuses are PEP node " + StatusBeacon.NODE);
            return ExitCodes.OK;
        }
        Instant now = Instant.now();
        for (FleetView.Gateway g : gateways) {
            Instant time = g.time();
            boolean old = time == null || Duration.between(time, now).compareTo(staleAfter) > 0;
            out.printf("%s  %s  status of %s%s  %s%n", g.jid(), g.online() ? "online " : "offline", time == null ? "?" : time,
                    old ? " (stale)" : "", g.things());
        }
        return ExitCodes.OK;
    }
}
