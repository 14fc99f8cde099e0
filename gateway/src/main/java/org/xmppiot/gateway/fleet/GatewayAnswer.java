package org.xmppiot.gateway.fleet;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smackx.commands.AdHocCommand;
import org.jivesoftware.smackx.commands.AdHocCommandManager;
import org.jivesoftware.smackx.commands.AdHocCommandNote;
import org.jivesoftware.smackx.commands.RemoteCommand;
import org.jivesoftware.smackx.xdata.form.FillableForm;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * What one gateway answered to an ad-hoc command with one form: accepted (with its note), refused (with the gateway's
 * reason), or unreachable (not online, no answer).
 */
public record GatewayAnswer(String jid, Outcome outcome, String detail) {

    public enum Outcome { ACCEPTED, REFUSED, UNREACHABLE }

    private static final List<StanzaError.Condition> AWAY = List.of(StanzaError.Condition.service_unavailable,
            StanzaError.Condition.recipient_unavailable, StanzaError.Condition.item_not_found, StanzaError.Condition.remote_server_not_found);

    /** "gw1@example.org: refused: the gateway answered forbidden". */
    public String line() {
        return jid + ": " + outcome.name().toLowerCase(Locale.ROOT) + (detail.isEmpty() ? "" : ": " + detail);
    }

    /**
     * Runs command {@code node} on {@code target} (a bare JID, to which the gateway's resource {@code gateway} is added,
     * or a full one) and submits its form with {@code answers}.
     */
    static GatewayAnswer ask(XMPPConnection c, String target, String node, Map<String, String> answers) throws InterruptedException {
        try {
            Jid jid = JidCreate.from(target.contains("/") ? target : target + "/gateway");
            RemoteCommand command = AdHocCommandManager.getAddHocCommandsManager(c).getRemoteCommand(jid, node);
            command.execute();
            if (command.getStatus() != AdHocCommand.Status.executing || command.getForm() == null) {
                return new GatewayAnswer(target, Outcome.REFUSED, notes(command));
            }
            FillableForm form = new FillableForm(command.getForm());
            answers.forEach(form::setAnswer);
            command.complete(form);
            boolean failed = command.getNotes().stream().anyMatch(n -> n.getType() == AdHocCommandNote.Type.error);
            return new GatewayAnswer(target, failed ? Outcome.REFUSED : Outcome.ACCEPTED, notes(command));
        } catch (XMPPException.XMPPErrorException e) {
            StanzaError.Condition condition = e.getStanzaError().getCondition();
            boolean away = AWAY.contains(condition);
            return new GatewayAnswer(target, away ? Outcome.UNREACHABLE : Outcome.REFUSED,
                    away ? "not online (" + condition + ")" : "the gateway answered " + condition
                            + (e.getStanzaError().getDescriptiveText() == null ? "" : ": " + e.getStanzaError().getDescriptiveText()));
        } catch (SmackException.NoResponseException e) {
            return new GatewayAnswer(target, Outcome.UNREACHABLE, "no answer");
        } catch (Exception e) {
            return new GatewayAnswer(target, Outcome.UNREACHABLE, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private static String notes(RemoteCommand command) {
        return String.join(" ", command.getNotes().stream().map(AdHocCommandNote::getValue).toList());
    }
}
