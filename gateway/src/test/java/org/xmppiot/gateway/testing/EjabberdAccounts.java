package org.xmppiot.gateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;

import org.xmppiot.simulators.xmpp.EjabberdCluster;

/** Accounts on a test ejabberd, each with a configuration file in a test's directory. */
public final class EjabberdAccounts {

    private EjabberdAccounts() {
    }

    /**
     * Registers {@code user} and writes {@code dir/user.yaml} for it: its password file, the {@code servers} to try
     * ("127.0.0.1:5222, ..."), pub/sub {@code service}, and {@code rest} after the xmpp section.
     */
    public static Path write(EjabberdCluster server, Path dir, String user, String servers, String service, String rest) throws Exception {
        server.register(user, user + "-password");
        Files.writeString(dir.resolve(user + ".password"), user + "-password");
        Path file = dir.resolve(user + ".yaml");
        Files.writeString(file, """
                store:
                  path: %1$s.db
                xmpp:
                  jid: %1$s@localhost
                  password-file: %1$s.password
                  servers: [ %2$s ]
                  tls: disabled
                  connect-timeout: 5s
                  pubsub:
                    service: %3$s
                %4$s""".formatted(user, servers, service, rest));
        return file;
    }
}
