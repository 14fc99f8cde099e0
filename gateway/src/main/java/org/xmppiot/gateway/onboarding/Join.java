package org.xmppiot.gateway.onboarding;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.impl.JidCreate;
import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.Secret;
import org.xmppiot.core.config.YamlConfigReader;
import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.gateway.config.ConfigText;
import org.xmppiot.gateway.config.GatewayConfig;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.config.XmppConfig;
import org.xmppiot.gateway.xmpp.XmppConnectionFactory;
import org.xmppiot.gateway.xmpp.XmppFailures;

/**
 * Joins a server the user already has, by invite instead of a password: the gateway creates its own account with a
 * password it makes and keeps, takes the inviter as owner, asks for the inviter's presence with the invite's token
 * (XEP-0379, approved by the inviter's server without asking), and leaves a greeting for the first session. The
 * configuration file is changed only once the account exists; nothing is changed when the invite is refused.
 */
public final class Join {

    /** What joining did. */
    public record Joined(String jid, String owner, Path configFile, Path passwordFile) {
    }

    private Join() {
    }

    /**
     * @param name  the account name to take; null for the invite's reserved name, else the file's, else "gateway"
     * @param owner the owner when the invite names none (an account invite); null otherwise
     */
    public static Joined join(InviteUri invite, Path configFile, String name, String owner, DriverRegistry drivers)
            throws JoinException, ConfigException, IOException, InterruptedException {
        if (!invite.mayRegister()) {
            throw new JoinException("this invite makes you a contact of " + invite.jid() + " but creates no account; ask "
                    + invite.jid() + " for an invite that lets you register (its link ends in ibr=y)", Failure.USAGE);
        }
        String theOwner = invite.inviter() != null ? invite.inviter() : owner;
        if (theOwner == null) {
            throw new JoinException("this invite creates an account but names nobody to own the gateway: add --owner YOUR-JID", Failure.USAGE);
        }
        Path file = configFile.toAbsolutePath();
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8)
                : StarterConfig.text("join", "gateway@" + invite.domain(), "gateway.password", "  tls: required\n");
        String account = (name != null ? name : invite.reservedName() != null ? invite.reservedName() : localpart(text)) + "@" + invite.domain();
        Path incoming = file.resolveSibling(file.getFileName() + ".incoming");
        try {
            OwnedFiles.replace(incoming, ConfigText.withOwner(ConfigText.withAccount(text, account), theOwner));
            Path passwordFile = GatewayConfigLoader.passwordFile(incoming);
            if (passwordFile == null) {
                throw new JoinException("join keeps the account's password in a file: replace xmpp.password-env with password-file in " + file, Failure.USAGE);
            }
            String password = OwnedFiles.randomPassword();
            register(GatewayConfigLoader.loadXmpp(incoming, new Secret(password, passwordFile.toString())), invite, theOwner, password, passwordFile);
            if (Files.exists(file)) {
                Files.copy(file, file.resolveSibling(file.getFileName() + ".previous"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES);
            }
            Files.move(incoming, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            GatewayConfig config = GatewayConfigLoader.load(file, drivers);
            new OnboardingState(config.store().path().toAbsolutePath().getParent()).greetLater(theOwner);
            return new Joined(account, theOwner, file, passwordFile);
        } finally {
            Files.deleteIfExists(incoming);
        }
    }

    private static void register(XmppConfig xmpp, InviteUri invite, String owner, String password, Path passwordFile)
            throws JoinException, IOException, InterruptedException {
        XMPPTCPConnection c;
        try {
            c = XmppConnectionFactory.create(xmpp);
        } catch (java.security.GeneralSecurityException e) {
            throw new JoinException("cannot read " + xmpp.caFile() + ": " + e.getMessage(), Failure.USAGE);
        }
        try {
            c.connect();
            InviteRegistration.register(c, invite, xmpp.localpart(), password, xmpp.tls() == XmppConfig.TlsMode.DISABLED);
            // The account exists from here on: its password is kept before anything else can fail.
            OwnedFiles.replace(passwordFile, password + "\n");
            c.login();
            c.sendStanza(c.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.subscribe).to(JidCreate.bareFrom(owner))
                    .addExtension(PreAuth.element(invite.token())).build());
            // An answer to a later request means the server has taken the subscription (it handles a stream in order).
            org.jivesoftware.smack.roster.Roster.getInstanceFor(c).reloadAndWait();
        } catch (InviteRegistration.RegistrationRefusedException e) {
            throw new JoinException(e.getMessage(), Failure.REFUSED);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new JoinException("cannot join " + invite.domain() + ": " + XmppFailures.describe(e, xmpp), Failure.UNREACHABLE);
        } finally {
            // Nothing is left to say; waiting for the server's closing tag only makes the command slower.
            c.instantShutdown();
        }
    }

    private static String localpart(String yaml) {
        try {
            var x = YamlConfigReader.read("the configuration", yaml).section("xmpp");
            String jid = x.has("jid") ? x.string("jid") : "";
            return jid.contains("@") ? jid.substring(0, jid.indexOf('@')) : "gateway";
        } catch (ConfigException e) {
            return "gateway";
        }
    }

    /** Why joining failed: the command line or file is wrong, the server refused, or it could not be reached. */
    public enum Failure { USAGE, REFUSED, UNREACHABLE }

    /** Joining failed; the message is one sentence. */
    public static final class JoinException extends Exception {
        private final Failure failure;

        JoinException(String message, Failure failure) {
            super(message);
            this.failure = failure;
        }

        public Failure failure() {
            return failure;
        }
    }
}
