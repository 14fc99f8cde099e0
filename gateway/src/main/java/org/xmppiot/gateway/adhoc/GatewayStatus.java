package org.xmppiot.gateway.adhoc;

import org.jivesoftware.smackx.xdata.packet.DataForm;
import org.jxmpp.jid.Jid;

/** {@code status}: uplink, things, publishing, store, bus drops and observers. */
final class GatewayStatus implements ManagementCommand {

    private final ManagedGateway gateway;

    GatewayStatus(ManagedGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public String node() {
        return "status";
    }

    @Override
    public String name() {
        return "Gateway status";
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
        return Outcome.done(gateway.status());
    }
}
