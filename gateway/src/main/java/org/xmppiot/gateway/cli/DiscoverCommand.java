package org.xmppiot.gateway.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.xmppiot.discovery.DiscoveryConfig;
import org.xmppiot.discovery.MdnsListing;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code discover}: the gateways (with their JIDs) and smart objects announced on the local network. */
@Command(name = "discover", description = "List gateways and smart objects announced by mDNS on the local network.")
final class DiscoverCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--seconds", defaultValue = "6", description = "How long to listen (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--bind", defaultValue = "auto", description = "The address to listen on (default: the first real network interface).")
    String bind;

    @Option(names = "--type", description = "Another service type to list, e.g. _shelly._tcp (repeatable).")
    List<String> types = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<String> wanted = new ArrayList<>(List.of(DiscoveryConfig.GATEWAY_TYPE, DiscoveryConfig.OBJECT_TYPE));
        for (String t : types) {
            wanted.add(t.endsWith(".local.") ? t : t + ".local.");
        }
        List<MdnsListing.Found> found = MdnsListing.list(bind, wanted, Duration.ofSeconds(Math.max(1, seconds)));
        if (found.isEmpty()) {
            out.println("nothing announced within " + seconds + " s (is the gateway's discovery enabled, and on this network?)");
            return ExitCodes.OK;
        }
        for (MdnsListing.Found f : found) {
            if (f.type().equalsIgnoreCase(DiscoveryConfig.GATEWAY_TYPE)) {
                out.println("gateway  " + f.txt().getOrDefault("jid", "?") + "  \"" + f.instance() + "\"  at " + f.host()
                        + "  nodes " + f.txt().getOrDefault("node-prefix", "?") + "<thing>  things " + f.txt().getOrDefault("things", ""));
            } else {
                out.println("object   \"" + f.instance() + "\"  " + f.type() + "  at " + f.host() + ":" + f.port() + txt(f.txt()));
            }
        }
        return ExitCodes.OK;
    }

    private static String txt(Map<String, String> txt) {
        return txt.isEmpty() ? "" : "  " + txt;
    }
}
