package org.xmppiot.gateway.adhoc;

import org.jivesoftware.smackx.xdata.FormField;
import org.jivesoftware.smackx.xdata.packet.DataForm;
import org.jxmpp.jid.Jid;
import org.xmppiot.gateway.feature.AccessRequests;

/** {@code request}: anyone, a stranger on another server too, asks the owners to let them read a thing. */
final class RequestAccess implements ManagementCommand {

    /** Its own field name: the lookaside registry knows a field's type by name, and {@code thing} is a list elsewhere. */
    static final String FIELD = "requested-thing";

    private final AccessRequests requests;

    RequestAccess(AccessRequests requests) {
        this.requests = requests;
    }

    @Override
    public String node() {
        return "request";
    }

    @Override
    public String name() {
        return "Ask the owners for access to a thing";
    }

    @Override
    public boolean ownersOnly() {
        return false;
    }

    @Override
    public boolean forStrangers() {
        return true;
    }

    @Override
    public DataForm form() {
        // A text field, not a list: strangers are not shown which things exist.
        return DataForm.builder(DataForm.Type.form).setFormType(CommandResponder.FORM_TYPE_PREFIX + node()).setTitle(name())
                .addInstruction("The gateway's owners are asked; you are told by chat when they answer.")
                .addField(FormField.textSingleBuilder(FIELD).setLabel("Thing").setRequired().build()).build();
    }

    @Override
    public Outcome run(DataForm submitted, Jid requester) {
        String thing = FormValues.first(submitted, FIELD);
        if (thing == null || thing.isBlank()) {
            return Outcome.refused("Not asked: no thing named.");
        }
        return Outcome.done(requests.request(requester.toString(), thing.trim()));
    }
}
