package org.xmppiot.gateway.control;

import org.xmppiot.core.model.Channel;
import org.xmppiot.core.model.FieldValue;

import java.util.List;
import java.util.Set;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.StanzaError;
import org.xmppiot.core.thing.ThingRegistry;
import org.xmppiot.core.model.Command;
import org.xmppiot.core.spi.CommandRejectedException;
import org.xmppiot.gateway.xmpp.Session;
import org.xmppiot.gateway.feature.PageControls;
import org.xmppiot.gateway.xmpp.SessionListener;
import org.xmppiot.gateway.access.AccessPolicy;

/**
 * XEP-0325 control: an owner sets parameters (outputs, setpoints) of a thing; each becomes a
 * {@link Command} through the command door. Readers and strangers get {@code forbidden}. Parameters
 * are applied in order; the first one refused stops the rest and is named in the error
 * ({@code paramError}).
 */
public final class ControlService implements SessionListener, PageControls {

    static {
        org.jivesoftware.smack.provider.ProviderManager.addIQProvider(ControlSet.ELEMENT, ControlSet.NAMESPACE, new ControlSetProvider());
    }

    private final AccessPolicy access;
    private final ThingRegistry door;

    public ControlService(AccessPolicy access, ThingRegistry door) {
        this.access = access;
        this.door = door;
    }

    @Override
    public void sessionStarted(Session session) {
        session.answer(ControlSet.ELEMENT, ControlSet.NAMESPACE, IQ.Type.set, request -> set((ControlSet) request));
        session.announce(ControlSet.NAMESPACE);
    }

    private IQ set(ControlSet request) {
        String from = request.getFrom() == null ? "" : request.getFrom().asBareJid().toString();
        if (!access.mayControlSome(request.getFrom())) {
            return error(request, StanzaError.Condition.forbidden, null, "only the gateway's owners may control its things");
        }
        if (request.problem() != null) {
            return error(request, StanzaError.Condition.bad_request, null, request.problem());
        }
        List<String> targets = request.nodes();
        if (targets.isEmpty()) {
            Set<String> all = door.ids();
            if (all.size() != 1) {
                return error(request, StanzaError.Condition.bad_request, null,
                        "this gateway has several things; name the one to control with <node nodeId='...'/>");
            }
            targets = List.copyOf(all);
        }
        for (String thing : targets) {
            if (!access.mayControl(request.getFrom(), thing)) {
                // A controller of some things only: the others are as absent as things that do not exist.
                return error(request, StanzaError.Condition.item_not_found, null, "no thing '" + thing + "' you may control here");
            }
        }
        for (String thing : targets) {
            for (ControlSet.Parameter p : request.parameters()) {
                try {
                    door.execute(new Command(thing, p.name(), p.value(), request.getFrom().toString()));
                } catch (CommandRejectedException e) {
                    return error(request, condition(e.reason()), p.name(), e.getMessage());
                }
            }
        }
        return ControlSet.response(request);
    }

    @Override
    public List<Writable> writable() {
        List<Writable> out = new java.util.ArrayList<>();
        for (String id : new java.util.TreeSet<>(door.ids())) {
            door.thing(id).ifPresent(t -> t.channels().stream().filter(Channel::writable)
                    .forEach(c -> out.add(new Writable(id, c.name(), c.takes()))));
        }
        return out;
    }

    @Override
    public boolean isOwner(String bareJid) {
        return access.isOwner(bareJid);
    }

    @Override
    public String set(String ownerJid, String thing, String channel, String value) {
        if (!access.isOwner(ownerJid)) {
            return "only the gateway's owners may set values";
        }
        try {
            door.execute(new Command(thing, channel, new FieldValue.StringValue(value), ownerJid + " (status page)"));
            return null;
        } catch (CommandRejectedException e) {
            return e.getMessage();
        }
    }

    private static StanzaError.Condition condition(CommandRejectedException.Reason reason) {
        return switch (reason) {
            case UNKNOWN_THING, UNKNOWN_FIELD -> StanzaError.Condition.item_not_found;
            case READ_ONLY -> StanzaError.Condition.not_allowed;
            case BAD_VALUE -> StanzaError.Condition.bad_request;
            default -> StanzaError.Condition.internal_server_error;
        };
    }

    private static IQ error(IQ request, StanzaError.Condition condition, String parameter, String text) {
        StanzaError.Builder error = StanzaError.getBuilder(condition).setDescriptiveEnText(text);
        if (parameter != null) {
            error.setExtensions(List.of(StandardExtensionElement.builder("paramError", ControlSet.NAMESPACE)
                    .addAttribute("var", parameter).setText(text).build()));
        }
        return IQ.createErrorResponse(request, error.build());
    }
}
