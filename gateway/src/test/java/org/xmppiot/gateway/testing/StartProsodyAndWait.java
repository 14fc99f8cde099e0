package org.xmppiot.gateway.testing;

import org.xmppiot.gateway.demo.ProsodyServer;

/** Run in a JVM of its own by {@link ProsodyWatchdogTest}: starts a server, says where, and waits to be killed. */
public final class StartProsodyAndWait {

    private StartProsodyAndWait() {
    }

    public static void main(String[] args) throws Exception {
        ProsodyServer server = ProsodyServer.start(ProsodyServer.Options.withPubSubAdmins());
        System.out.println("pid=" + server.pid() + " dir=" + server.directory());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
