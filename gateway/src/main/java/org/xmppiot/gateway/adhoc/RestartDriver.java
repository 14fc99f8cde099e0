package org.xmppiot.gateway.adhoc;

import java.util.TreeSet;

import org.jivesoftware.smackx.xdata.FormField;
import org.jivesoftware.smackx.xdata.packet.DataForm;
import org.jxmpp.jid.Jid;

/** {@code restart-driver}: a thing's driver closes its device and starts again from the running configuration. */
final class RestartDriver implements ManagementCommand {

    private final ManagedGateway gateway;

    RestartDriver(ManagedGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public String node() {
        return "restart-driver";
    }

    @Override
    public String name() {
        return "Restart a thing's driver";
    }

    @Override
    public boolean ownersOnly() {
        return true;
    }

    @Override
    public DataForm form() {
        var thing = FormField.listSingleBuilder("thing").setLabel("Thing").setRequired();
        new TreeSet<>(gateway.thingIds()).forEach(thing::addOption);
        return DataForm.builder(DataForm.Type.form).setFormType(CommandResponder.FORM_TYPE_PREFIX + node()).setTitle(name())
                .addInstruction("The driver closes its device and opens it again; its readings pause meanwhile.")
                .addField(thing.build()).build();
    }

    @Override
    public Outcome run(DataForm submitted, Jid requester) {
        String id = FormValues.first(submitted, "thing");
        if (id == null) {
            return Outcome.refused("Not restarted: no thing chosen.");
        }
        String problem = gateway.restartDriver(id);
        return problem == null ? Outcome.done("The driver of '" + id + "' was restarted.")
                : Outcome.refused("Not restarted: " + problem + ".");
    }
}
