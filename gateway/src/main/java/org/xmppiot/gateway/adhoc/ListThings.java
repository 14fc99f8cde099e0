package org.xmppiot.gateway.adhoc;

import java.util.TreeSet;

import org.jivesoftware.smackx.xdata.packet.DataForm;
import org.jxmpp.jid.Jid;

/** {@code list}: every thing with its name, one per line. */
final class ListThings implements ManagementCommand {

    private final ManagedGateway gateway;

    ListThings(ManagedGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public String node() {
        return "list";
    }

    @Override
    public String name() {
        return "List things";
    }

    @Override
    public boolean ownersOnly() {
        return false;
    }

    @Override
    public DataForm form() {
        return null;
    }

    @Override
    public Outcome run(DataForm submitted, Jid requester) {
        StringBuilder b = new StringBuilder();
        for (String t : new TreeSet<>(gateway.thingIds())) {
            b.append(b.length() == 0 ? "" : "\n").append(t).append(" (").append(gateway.title(t)).append(')');
        }
        return Outcome.done(b.length() == 0 ? "No things." : b.toString());
    }
}
