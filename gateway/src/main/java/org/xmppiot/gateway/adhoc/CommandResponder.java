package org.xmppiot.gateway.adhoc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.iqrequest.AbstractIqRequestHandler;
import org.jivesoftware.smack.iqrequest.IQRequestHandler;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.util.StringUtils;
import org.jivesoftware.smackx.commands.AdHocCommand;
import org.jivesoftware.smackx.commands.AdHocCommandNote;
import org.jivesoftware.smackx.commands.packet.AdHocCommandData;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.jivesoftware.smackx.formtypes.FormFieldRegistry;
import org.jivesoftware.smackx.xdata.FormField;
import org.jivesoftware.smackx.xdata.packet.DataForm;
import org.jxmpp.jid.Jid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.gateway.feature.DiscoNodes;
import org.xmppiot.gateway.xmpp.SessionListener;
import org.xmppiot.gateway.access.AccessPolicy;

/**
 * Answers XEP-0050 ad-hoc commands: one that needs input first answers {@code executing} with its form,
 * then runs when the form comes back ({@code complete}, {@code execute} or {@code next}) and answers
 * {@code completed} with a note. Smack's own responder (4.4) cannot take a submitted form back, so this
 * one replaces it. Sessions belong to the full JID that started them and expire.
 */
public final class CommandResponder implements SessionListener, DiscoNodes {

    public static final String NAMESPACE = AdHocCommandData.NAMESPACE;
    /** Our forms' FORM_TYPE is this plus the command's node. */
    static final String FORM_TYPE_PREFIX = "urn:xmpp-iot-gateway:command:";
    private static final Logger log = LoggerFactory.getLogger(CommandResponder.class);
    private static final Duration SESSION_LIFETIME = Duration.ofMinutes(10);
    private static final int MAX_SESSIONS = 64;

    private record Session(String node, Jid requester, long startedNanos) {
    }

    private final AccessPolicy access;
    private final Map<String, ManagementCommand> commands = new LinkedHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    public CommandResponder(AccessPolicy access, List<ManagementCommand> commands) {
        this.access = access;
        commands.forEach(c -> this.commands.put(c.node(), c));
        commands.forEach(CommandResponder::registerFieldTypes);
    }

    /**
     * Submitted forms may leave out field types, and Smack's parser then reads a field as text-single;
     * a multi-line configuration would not parse. So it learns our fields' types, under our FORM_TYPE
     * and, for clients that leave that out too, by name.
     */
    private static void registerFieldTypes(ManagementCommand command) {
        DataForm form = command.form();
        if (form != null) {
            FormFieldRegistry.register(form);
            form.getFields().stream().filter(f -> f.getType() != null && f.getType() != FormField.Type.hidden)
                    .forEach(f -> FormFieldRegistry.addLookasideFieldRegistryEntry(f.getFieldName(), f.getType()));
        }
    }

    /**
     * The gateway's commands: list, status, restart-driver, replace-config when a replacer is given, request (anyone
     * asks the owners for a thing) when {@code requests} takes them, and update when {@code updates} does.
     */
    public static List<ManagementCommand> managementCommands(ManagedGateway gateway, org.xmppiot.gateway.adhoc.ConfigReplacer replacer,
                                                             org.xmppiot.gateway.feature.AccessRequests requests,
                                                             org.xmppiot.gateway.feature.Updates updates) {
        List<ManagementCommand> all = new ArrayList<>(List.of(new ListThings(gateway), new GatewayStatus(gateway), new RestartDriver(gateway)));
        if (replacer != null) {
            all.add(new ReplaceConfig(replacer));
        }
        if (requests != null) {
            all.add(new RequestAccess(requests));
        }
        if (updates != null) {
            all.add(new UpdateGateway(updates));
        }
        return all;
    }

    @Override
    public void sessionStarted(org.xmppiot.gateway.xmpp.Session session) {
        XMPPConnection connection = session.smack();
        ServiceDiscoveryManager disco = ServiceDiscoveryManager.getInstanceFor(connection);
        disco.addFeature(NAMESPACE);
        for (ManagementCommand c : commands.values()) {
            disco.setNodeInformationProvider(c.node(), new CommandNodeInfo(c.name()));
        }
        connection.registerIQRequestHandler(new AbstractIqRequestHandler(AdHocCommandData.ELEMENT, NAMESPACE, IQ.Type.set,
                IQRequestHandler.Mode.async) {
            @Override
            public IQ handleIQRequest(IQ request) {
                return answer((AdHocCommandData) request);
            }
        });
    }

    /** The commands node's disco#items for {@code requester}: only the commands it may run. */
    @Override
    public String node() {
        return NAMESPACE;
    }

    @Override
    public List<DiscoverItems.Item> items(Jid requester, Jid self) {
        List<DiscoverItems.Item> items = new ArrayList<>();
        for (ManagementCommand c : commands.values()) {
            // Asking for access is offered to those who may not read everything already.
            if (permitted(c, requester) && !(c.forStrangers() && access.mayRead(requester))) {
                DiscoverItems.Item item = new DiscoverItems.Item(self);
                item.setNode(c.node());
                item.setName(c.name());
                items.add(item);
            }
        }
        return items;
    }

    private boolean permitted(ManagementCommand c, Jid requester) {
        if (requester == null) {
            return false;
        }
        return c.forStrangers() || (c.ownersOnly() ? access.isOwner(requester) : access.mayRead(requester));
    }

    IQ answer(AdHocCommandData request) {
        ManagementCommand command = commands.get(request.getNode());
        if (command == null || !permitted(command, request.getFrom())) {
            // Those who may not run it do not learn whether it exists.
            return error(request, command == null ? StanzaError.Condition.item_not_found : StanzaError.Condition.forbidden,
                    null, command == null ? "no command '" + request.getNode() + "'" : "not allowed");
        }
        AdHocCommand.Action action = request.getAction();
        DataForm submitted = request.getForm() != null && request.getForm().getType() == DataForm.Type.submit ? request.getForm() : null;
        String sessionId = request.getSessionID();
        if (sessionId == null) {
            if (action == AdHocCommand.Action.cancel) {
                return reply(request, null, AdHocCommand.Status.canceled);
            }
            DataForm form = command.form();
            if (form == null || submitted != null) {
                return completed(request, null, command.run(submitted, request.getFrom()));
            }
            expireSessions();
            if (sessions.size() >= MAX_SESSIONS) {
                return error(request, StanzaError.Condition.resource_constraint, null, "too many commands in progress; try again later");
            }
            sessionId = UUID.randomUUID().toString();
            sessions.put(sessionId, new Session(command.node(), request.getFrom(), System.nanoTime()));
            AdHocCommandData asking = reply(request, sessionId, AdHocCommand.Status.executing);
            asking.addAction(AdHocCommand.Action.complete);
            asking.setExecuteAction(AdHocCommand.Action.complete);
            asking.setForm(form);
            return asking;
        }
        expireSessions();
        Session session = sessions.get(sessionId);
        if (session == null || !session.node().equals(command.node()) || !session.requester().equals(request.getFrom())) {
            return error(request, StanzaError.Condition.bad_request, AdHocCommand.SpecificErrorCondition.badSessionid,
                    "no such command session (it may have expired after " + SESSION_LIFETIME.toMinutes() + " minutes)");
        }
        if (action == AdHocCommand.Action.prev) {
            return error(request, StanzaError.Condition.bad_request, AdHocCommand.SpecificErrorCondition.badAction, "this command has one step");
        }
        sessions.remove(sessionId);
        if (action == AdHocCommand.Action.cancel) {
            return reply(request, sessionId, AdHocCommand.Status.canceled);
        }
        if (submitted == null) {
            return error(request, StanzaError.Condition.bad_request, AdHocCommand.SpecificErrorCondition.badPayload,
                    "the filled-in form (type submit) is missing");
        }
        return completed(request, sessionId, command.run(submitted, request.getFrom()));
    }

    private AdHocCommandData completed(AdHocCommandData request, String sessionId, ManagementCommand.Outcome outcome) {
        log.info("command {} from {}: {}", request.getNode(), request.getFrom(), outcome.failed() ? "refused" : "done");
        AdHocCommandData done = reply(request, sessionId, AdHocCommand.Status.completed);
        // Smack writes a note's text as it is, so it is escaped here.
        done.addNote(new AdHocCommandNote(outcome.failed() ? AdHocCommandNote.Type.error : AdHocCommandNote.Type.info,
                StringUtils.escapeForXmlText(outcome.text()).toString()));
        return done;
    }

    private static AdHocCommandData reply(AdHocCommandData request, String sessionId, AdHocCommand.Status status) {
        AdHocCommandData reply = new AdHocCommandData();
        reply.setType(IQ.Type.result);
        reply.setTo(request.getFrom());
        reply.setStanzaId(request.getStanzaId());
        reply.setNode(request.getNode());
        reply.setSessionID(sessionId);
        reply.setStatus(status);
        return reply;
    }

    private static IQ error(AdHocCommandData request, StanzaError.Condition condition, AdHocCommand.SpecificErrorCondition specific, String text) {
        StanzaError.Builder error = StanzaError.getBuilder(condition).setDescriptiveEnText(text);
        if (specific != null) {
            error.setExtensions(List.of(new AdHocCommandData.SpecificError(specific)));
        }
        return IQ.createErrorResponse(request, error.build());
    }

    private void expireSessions() {
        long now = System.nanoTime();
        sessions.values().removeIf(s -> now - s.startedNanos() > SESSION_LIFETIME.toNanos());
    }
}
