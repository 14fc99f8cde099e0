package org.xmppiot.gateway.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.xmppiot.core.config.ConfigException;
import org.xmppiot.gateway.config.GatewayConfig;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.gateway.config.XmppConfig;
import org.xmppiot.core.spi.DriverRegistry;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code check-config}: validates a configuration without connecting or opening devices. */
@Command(name = "check-config", description = "Validate a configuration file without connecting or opening devices.")
final class CheckConfigCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws ConfigException {
        GatewayConfig c = GatewayConfigLoader.load(config.file, DriverRegistry.fromClassPath());
        PrintWriter out = spec.commandLine().getOut();
        XmppConfig x = c.xmpp();
        out.println(config.file + ": OK");
        out.println("  account:  " + x.jid() + "/" + x.resource() + ", password from " + x.password().origin());
        out.println("  server:   " + (x.server() == null ? "from DNS SRV of " + x.domain() : x.server() + ":" + x.port())
                + ", TLS " + x.tls().name().toLowerCase(java.util.Locale.ROOT));
        out.println("  pub/sub:  " + x.pubsub().service() + ", nodes " + x.pubsub().nodePrefix() + "<thing>, access "
                + x.pubsub().accessModel() + ", max-items " + x.pubsub().maxItems());
        out.println("  access:   owners " + c.access().owners() + ", readers " + c.access().readers());
        for (var t : c.access().things()) {
            out.println("    " + t.pattern() + ": readers " + t.readers() + ", controllers " + t.controllers());
        }
        out.println("  store:    " + c.store().path() + ", up to " + c.store().maxBytes() / 1_000_000 + " MB and "
                + (c.store().maxAge().toDays() >= 1 ? c.store().maxAge().toDays() + " days" : c.store().maxAge().toMinutes() + " minutes")
                + ", commit every " + c.store().commitInterval().toMillis() + " ms ("
                + c.store().confirmedCommitInterval().toMillis() + " ms while the server confirms every reading)");
        out.println("  page:     " + (c.http().enabled() ? c.http().scheme() + "://" + c.http().bind() + ":" + c.http().port() + "/"
                + (c.http().asksWhoIsThere() ? ", login by XMPP account" : "") + (c.http().password() == null ? "" : ", basic auth as "
                + c.http().user()) : "off (http.enabled: false)"));
        out.println("  things:   " + c.things().size());
        for (ThingConfig t : c.things()) {
            out.println("    " + t.id() + " (" + t.driver() + ") -> node " + x.pubsub().nodeFor(t.id()));
        }
        if (c.things().isEmpty()) {
            out.println("  warning: no things are configured, so nothing will be published");
        }
        if (isExampleDomain(x.domain())) {
            out.println("  warning: " + x.jid() + " is an example account; set xmpp.jid to the gateway's own account");
        }
        if (c.access().owners().isEmpty() && c.access().readers().isEmpty()) {
            out.println("  warning: access lists no owners or readers, so nobody may read or control the things");
        }
        return ExitCodes.OK;
    }

    /** The names RFC 2606 and RFC 6761 keep for examples, as in a configuration nobody has edited yet. */
    private static boolean isExampleDomain(String domain) {
        String d = domain.toLowerCase(java.util.Locale.ROOT);
        return d.matches("(.*\\.)?example\\.(org|com|net)") || d.endsWith(".example") || d.endsWith(".invalid");
    }
}
