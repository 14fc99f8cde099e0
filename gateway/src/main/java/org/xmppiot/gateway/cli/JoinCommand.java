package org.xmppiot.gateway.cli;

import java.util.concurrent.Callable;

import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.gateway.onboarding.InviteUri;
import org.xmppiot.gateway.onboarding.Join;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code join URI}: the gateway's account made with an invite instead of a password, the inviter its owner. */
@Command(name = "join", description = {"Create the gateway's account on your server with an invite (xmpp:you@example.org?roster;preauth=...;ibr=y"
        + " from your XMPP app's 'invite', or xmpp:example.org?register;preauth=... with --owner) and make you its owner.",
        "The password is made here and kept in xmpp.password-file; the configuration file gets xmpp.jid and access.owners."})
final class JoinCommand implements Callable<Integer> {

    @Parameters(paramLabel = "URI", description = "The invite (quote it: it contains ';').")
    String uri;

    @Mixin
    ConfigOption config;

    @Option(names = "--name", paramLabel = "NAME", description = "The account name to create (default: the one in xmpp.jid, else gateway).")
    String name;

    @Option(names = "--owner", paramLabel = "JID", description = "The owner, for an account invite that names nobody.")
    String owner;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        try {
            Join.Joined joined = Join.join(InviteUri.parse(uri), config.file, name, owner, DriverRegistry.fromClassPath());
            out.println("Joined: this gateway is " + joined.jid() + " and " + joined.owner() + " is its owner (" + joined.configFile()
                    + "); its password is in " + joined.passwordFile() + ".");
            out.println("Start it (xmpp-iot-gateway run --config " + joined.configFile() + ", or sudo systemctl restart xmpp-iot-gateway):"
                    + " it greets " + joined.owner() + " by chat.");
            return ExitCodes.OK;
        } catch (InviteUri.InvalidInviteException e) {
            err.println("xmpp-iot-gateway: " + e.getMessage());
            return ExitCodes.BAD_CONFIG;
        } catch (Join.JoinException e) {
            err.println("xmpp-iot-gateway: " + e.getMessage());
            return e.failure() == Join.Failure.USAGE ? ExitCodes.BAD_CONFIG : ExitCodes.RUNTIME_FAILURE;
        }
    }
}
