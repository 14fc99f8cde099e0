package org.xmppiot.gateway.adhoc;

import org.jivesoftware.smackx.xdata.FormField;
import org.jivesoftware.smackx.xdata.packet.DataForm;
import org.jxmpp.jid.Jid;

import org.xmppiot.gateway.feature.Updates;

/**
 * {@code update}: the gateway moves to another version of its package. The package's update helper keeps the running
 * version, installs the new one and installs the old one again unless the new one is connected and publishing within
 * its bound; the outcome comes by chat and in the fleet status.
 */
final class UpdateGateway implements ManagementCommand {

    private final Updates updates;

    UpdateGateway(Updates updates) {
        this.updates = updates;
    }

    @Override
    public String node() {
        return "update";
    }

    @Override
    public String name() {
        return "Update the gateway";
    }

    @Override
    public boolean ownersOnly() {
        return true;
    }

    @Override
    public DataForm form() {
        return DataForm.builder(DataForm.Type.form).setFormType(CommandResponder.FORM_TYPE_PREFIX + node()).setTitle(name())
                .addInstruction("The version of the package to install from the gateway's apt repository. The gateway restarts; "
                        + "unless it is connected and publishing again soon, the version it runs now is installed again.")
                .addField(FormField.textSingleBuilder("version").setLabel("Version").setRequired().build()).build();
    }

    @Override
    public Outcome run(DataForm submitted, Jid requester) {
        String version = FormValues.first(submitted, "version");
        String problem = updates.request(version == null ? null : version.strip(), requester.toString());
        return problem == null
                ? Outcome.done("Update to " + version.strip() + " requested; the outcome comes by chat and in the fleet status.")
                : Outcome.refused("Not updated: " + problem + ".");
    }
}
