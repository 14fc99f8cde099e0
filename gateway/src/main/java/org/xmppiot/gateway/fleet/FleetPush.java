package org.xmppiot.gateway.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.commands.AdHocCommand;
import org.jivesoftware.smackx.commands.AdHocCommandManager;
import org.jivesoftware.smackx.commands.AdHocCommandNote;
import org.jivesoftware.smackx.commands.RemoteCommand;
import org.jivesoftware.smackx.xdata.form.FillableForm;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

import org.xmppiot.gateway.config.ConfigHash;
import org.xmppiot.gateway.config.XmppConfig;
import org.xmppiot.gateway.xmpp.XmppConnectionFactory;

/**
 * Sends one configuration to many gateways with their ad-hoc {@code replace-config} command and its XEP-0300 hash,
 * one after another, and says for each: accepted (it applies it and reports by chat), refused (with the gateway's
 * reason; it keeps its old configuration), or unreachable.
 */
public final class FleetPush {

    /** What one gateway answered. */
    public record Result(String jid, Outcome outcome, String detail) {
    }

    public enum Outcome { ACCEPTED, REFUSED, UNREACHABLE }

    private FleetPush() {
    }

    /** {@code targets} are bare JIDs (the gateway's resource, {@code gateway}, is added) or full ones. */
    public static List<Result> push(XmppConfig owner, String yaml, List<String> targets, Consumer<String> progress) throws Exception {
        String hash = ConfigHash.of(yaml, "sha-256");
        XMPPTCPConnection c = XmppConnectionFactory.create(owner.withResource("fleet-push"));
        c.connect().login();
        try {
            List<Result> results = new ArrayList<>();
            for (String target : targets) {
                progress.accept(target + ": sending ...");
                Result r = pushOne(c, target, yaml, hash);
                progress.accept(target + ": " + r.outcome().name().toLowerCase(java.util.Locale.ROOT) + (r.detail().isEmpty() ? "" : ": " + r.detail()));
                results.add(r);
            }
            return results;
        } finally {
            c.disconnect();
        }
    }

    private static Result pushOne(XMPPTCPConnection c, String target, String yaml, String hash) throws InterruptedException {
        try {
            Jid jid = JidCreate.from(target.contains("/") ? target : target + "/gateway");
            RemoteCommand command = AdHocCommandManager.getAddHocCommandsManager(c).getRemoteCommand(jid, "replace-config");
            command.execute();
            if (command.getStatus() != AdHocCommand.Status.executing || command.getForm() == null) {
                return new Result(target, Outcome.REFUSED, notes(command));
            }
            FillableForm form = new FillableForm(command.getForm());
            form.setAnswer("config", yaml);
            form.setAnswer("hash-algorithm", "sha-256");
            form.setAnswer("hash", hash);
            command.complete(form);
            boolean failed = command.getNotes().stream().anyMatch(n -> n.getType() == AdHocCommandNote.Type.error);
            return new Result(target, failed ? Outcome.REFUSED : Outcome.ACCEPTED, notes(command));
        } catch (XMPPException.XMPPErrorException e) {
            var condition = e.getStanzaError().getCondition();
            boolean away = condition == org.jivesoftware.smack.packet.StanzaError.Condition.service_unavailable
                    || condition == org.jivesoftware.smack.packet.StanzaError.Condition.recipient_unavailable
                    || condition == org.jivesoftware.smack.packet.StanzaError.Condition.item_not_found
                    || condition == org.jivesoftware.smack.packet.StanzaError.Condition.remote_server_not_found;
            return new Result(target, away ? Outcome.UNREACHABLE : Outcome.REFUSED,
                    away ? "not online (" + condition + ")" : "the gateway answered " + condition
                            + (e.getStanzaError().getDescriptiveText() == null ? "" : ": " + e.getStanzaError().getDescriptiveText()));
        } catch (SmackException.NoResponseException e) {
            return new Result(target, Outcome.UNREACHABLE, "no answer");
        } catch (Exception e) {
            return new Result(target, Outcome.UNREACHABLE, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private static String notes(RemoteCommand command) {
        return String.join(" ", command.getNotes().stream().map(AdHocCommandNote::getValue).toList());
    }
}
