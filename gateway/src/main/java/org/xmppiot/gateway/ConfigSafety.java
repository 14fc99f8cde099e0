package org.xmppiot.gateway;

import java.util.Locale;

import org.xmppiot.gateway.config.GatewayConfig;

/**
 * What a new configuration may not do to a running gateway, whoever sends it (replace-config, {@code fleet push},
 * SIGHUP): leave it without an owner when it had one (nobody could manage it remotely again), take the sender off the
 * owners unless the document says {@code handover: true}, or move the store while readings wait in the old one to be
 * published (they would stay behind in a file nobody reads). Each refusal is one sentence; nothing is changed.
 */
final class ConfigSafety {

    private ConfigSafety() {
    }

    /**
     * Why {@code next} may not replace {@code running}, or null when it may. {@code sender} is the bare JID of the owner
     * who sent it, null for a reload of the file; {@code waiting} the readings not yet published from the running store
     * (negative when unknown).
     */
    static String refusal(GatewayConfig running, GatewayConfig next, String sender, boolean handover, long waiting) {
        if (!running.access().owners().isEmpty() && next.access().owners().isEmpty()) {
            return "it leaves the gateway without an owner (access.owners is empty), so nobody could manage it remotely any more;"
                    + " name at least one owner";
        }
        if (sender != null && contains(running, sender) && !contains(next, sender) && !handover) {
            return "it takes you (" + sender + ") off access.owners, so you could not manage the gateway any more;"
                    + " to hand it over to the owners it names, add 'handover: true' at the top of the document";
        }
        if (!running.store().path().equals(next.store().path()) && waiting != 0) {
            return "it moves the store from " + running.store().path() + " to " + next.store().path() + " while "
                    + (waiting < 0 ? "readings may" : waiting + " reading(s)") + " wait in the old one to be published;"
                    + " send it again once chat 'status' says 'waiting: 0', or move the file while the gateway is stopped";
        }
        return null;
    }

    private static boolean contains(GatewayConfig config, String jid) {
        String bare = jid.toLowerCase(Locale.ROOT);
        return config.access().owners().stream().anyMatch(o -> o.toLowerCase(Locale.ROOT).equals(bare));
    }
}
