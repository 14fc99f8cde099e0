package org.xmppiot.gateway.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.gateway.config.ConfigText;
import org.xmppiot.gateway.config.GatewayConfig;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.onboarding.OnboardingState;
import org.xmppiot.gateway.onboarding.OwnedFiles;
import org.xmppiot.gateway.onboarding.OwnerInvites;
import org.xmppiot.gateway.onboarding.ProsodyHost;
import org.xmppiot.gateway.onboarding.StarterConfig;
import org.xmppiot.gateway.xmpp.XmppConnectionFactory;
import org.xmppiot.gateway.xmpp.XmppFailures;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code server init}: an XMPP server on this machine, for a user who has none. */
@Command(name = "server", description = "Set up an XMPP server (Debian's Prosody) on this machine for the gateway and its owners.",
        subcommands = ServerCommand.Init.class)
final class ServerCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "init", description = {"Configure Prosody for DOMAIN (installed from Debian when missing, as root): a self-signed certificate,"
            + " encryption required, accounts by invite only, a pub/sub component, and the gateway's account with a random password;"
            + " point the gateway's configuration at it.",
            "The owner's invite (a link and a QR code for a phone app) is shown here once Prosody runs the new host, else by the gateway when it starts."})
    static final class Init implements Callable<Integer> {

        @Option(names = "--domain", required = true, paramLabel = "DOMAIN",
                description = "The server's domain, a name phones on your network can reach, e.g. raspberrypi.local.")
        String domain;

        @Mixin
        ConfigOption config;

        @Option(names = "--prosody-config", paramLabel = "FILE", defaultValue = "/etc/prosody/prosody.cfg.lua",
                description = "Prosody's main configuration (default: ${DEFAULT-VALUE}); the host goes into conf.d/ beside it.")
        Path prosodyConfig;

        @Option(names = "--port", defaultValue = "5222", description = "The port Prosody takes clients on (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--name", defaultValue = "gateway", description = "The gateway's account name (default: ${DEFAULT-VALUE}).")
        String name;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            String problem = ProsodyHost.domainProblem(domain);
            if (problem != null) {
                err.println("xmpp-iot-gateway: " + problem);
                return ExitCodes.BAD_CONFIG;
            }
            ProsodyHost.Plan plan = new ProsodyHost.Plan(domain, prosodyConfig, port, name);
            Path file = config.file.toAbsolutePath();
            Path named = Files.exists(file) ? GatewayConfigLoader.passwordFile(file) : null;
            Path passwordFile = named != null ? named : file.resolveSibling(name + ".password");
            // Run again, it keeps the password the gateway already has.
            String kept = Files.exists(passwordFile) ? Files.readString(passwordFile).strip() : "";
            String password = kept.isEmpty() ? OwnedFiles.randomPassword() : kept;
            ProsodyHost.Done done;
            try {
                done = ProsodyHost.setUp(plan, password, line -> out.println("  " + line));
            } catch (ProsodyHost.ServerInitException e) {
                err.println("xmpp-iot-gateway: " + e.getMessage());
                return ExitCodes.RUNTIME_FAILURE;
            }
            OwnedFiles.replace(passwordFile, password + "\n");
            String xmpp = xmppSection(plan, done, file.getParent().equals(passwordFile.getParent()) ? passwordFile.getFileName().toString()
                    : passwordFile.toString());
            OwnedFiles.replace(file, Files.exists(file)
                    ? ConfigText.withSection(Files.readString(file, StandardCharsets.UTF_8), "xmpp", xmpp)
                    : StarterConfig.text("server init", plan.gatewayJid(), passwordFile.getFileName().toString(),
                            xmpp.substring(xmpp.indexOf("  server:"))));
            GatewayConfig written = GatewayConfigLoader.load(file, DriverRegistry.fromClassPath());
            out.println("Prosody serves " + domain + " for the gateway " + plan.gatewayJid() + " (configuration: " + file + ").");
            out.println("Its certificate is self-signed; phone apps ask whether to trust it: accept it only if it shows this SHA-256 fingerprint:");
            out.println("  " + done.fingerprint());
            if (done.restarted() && written.access().owners().isEmpty()) {
                showInvite(written, out);
            } else if (!done.restarted()) {
                out.println("Restart Prosody to load " + domain + " (sudo systemctl restart prosody, or prosodyctl restart).");
            }
            out.println("Then start the gateway: xmpp-iot-gateway run --config " + file + " (or sudo systemctl restart xmpp-iot-gateway);"
                    + (written.access().owners().isEmpty() ? " while it has no owner it shows the owner's invite in its log." : ""));
            return ExitCodes.OK;
        }

        /** The owner's invite right away, from the freshly restarted server; the gateway shows one itself otherwise. */
        private void showInvite(GatewayConfig written, java.io.PrintWriter out) throws InterruptedException {
            String lastFailure = "";
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                XMPPTCPConnection c = null;
                try {
                    c = XmppConnectionFactory.create(written.xmpp().withResource("server-init"));
                    c.connect().login();
                    OnboardingState.OwnerInvite invite = OwnerInvites.create(c);
                    new OnboardingState(written.store().path().toAbsolutePath().getParent()).keepOwnerInvite(invite);
                    out.println(OwnerInvites.shown(invite, domain));
                    return;
                } catch (OwnerInvites.NoInvitesException e) {
                    out.println("No owner's invite: " + e.getMessage());
                    return;
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    lastFailure = XmppFailures.brief(e);
                    Thread.sleep(1000); // Prosody is still starting.
                } finally {
                    if (c != null) {
                        c.instantShutdown();
                    }
                }
            }
            out.println("The owner's invite is not ready yet (" + lastFailure + "); the gateway shows it when it starts.");
        }

        private static String xmppSection(ProsodyHost.Plan plan, ProsodyHost.Done done, String passwordFile) {
            return """
                    xmpp:
                      jid: %s
                      password-file: %s
                      server: 127.0.0.1   # the Prosody on this machine (server init)
                      port: %d
                      tls: required
                      ca-file: %s   # its own self-signed certificate
                      pubsub:
                        service: pubsub.%s
                    """.formatted(plan.gatewayJid(), passwordFile, plan.port(), done.certificate(), plan.domain());
        }
    }

}
