package org.xmppiot.gateway.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;

import org.xmppiot.gateway.config.ConfigHash;
import org.xmppiot.gateway.config.XmppConfig;
import org.xmppiot.gateway.xmpp.XmppConnectionFactory;

/**
 * Sends one configuration to many gateways with their ad-hoc {@code replace-config} command and its XEP-0300 hash,
 * one after another, and says for each: accepted (it applies it and reports by chat), refused (with the gateway's
 * reason; it keeps its old configuration), or unreachable.
 */
public final class FleetPush {

    private FleetPush() {
    }

    /** {@code targets} are bare JIDs (the gateway's resource, {@code gateway}, is added) or full ones. */
    public static List<GatewayAnswer> push(XmppConfig owner, String yaml, List<String> targets, Consumer<String> progress) throws Exception {
        Map<String, String> form = Map.of("config", yaml, "hash-algorithm", "sha-256", "hash", ConfigHash.of(yaml, "sha-256"));
        XMPPTCPConnection c = XmppConnectionFactory.create(owner.withResource("fleet-push"));
        c.connect().login();
        try {
            List<GatewayAnswer> results = new ArrayList<>();
            for (String target : targets) {
                progress.accept(target + ": sending ...");
                GatewayAnswer r = GatewayAnswer.ask(c, target, "replace-config", form);
                progress.accept(r.line());
                results.add(r);
            }
            return results;
        } finally {
            c.disconnect();
        }
    }
}
