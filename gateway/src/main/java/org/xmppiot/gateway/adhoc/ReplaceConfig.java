package org.xmppiot.gateway.adhoc;

import org.jivesoftware.smackx.xdata.FormField;
import org.jivesoftware.smackx.xdata.packet.DataForm;
import org.jxmpp.jid.Jid;
import org.xmppiot.gateway.config.ConfigHash;
import org.xmppiot.gateway.adhoc.ConfigReplacer;

/**
 * {@code replace-config}: the whole YAML configuration with its XEP-0300 hash. A wrong hash or an
 * invalid document changes nothing; a valid one is applied and the outcome follows by chat.
 */
final class ReplaceConfig implements ManagementCommand {

    private final ConfigReplacer replacer;

    ReplaceConfig(ConfigReplacer replacer) {
        this.replacer = replacer;
    }

    @Override
    public String node() {
        return "replace-config";
    }

    @Override
    public String name() {
        return "Replace the configuration";
    }

    @Override
    public boolean ownersOnly() {
        return true;
    }

    @Override
    public DataForm form() {
        var algorithm = FormField.listSingleBuilder("hash-algorithm").setLabel("Hash algorithm");
        ConfigHash.ALGORITHMS.keySet().forEach(algorithm::addOption);
        return DataForm.builder(DataForm.Type.form).setFormType(CommandResponder.FORM_TYPE_PREFIX + node()).setTitle(name())
                .addInstruction("Paste the whole YAML configuration and its hash (XEP-0300: base64 of the digest of its UTF-8 bytes).")
                .addField(FormField.textMultiBuilder("config").setLabel("Configuration (YAML)").setRequired().build())
                .addField(algorithm.setValue("sha-256").build())
                .addField(FormField.textSingleBuilder("hash").setLabel("Hash (base64)").setRequired().build())
                .build();
    }

    @Override
    public Outcome run(DataForm submitted, Jid requester) {
        String yaml = FormValues.text(submitted, "config");
        if (yaml == null) {
            return Outcome.refused("Refused, nothing changed: the configuration is missing.");
        }
        String algorithm = FormValues.first(submitted, "hash-algorithm");
        algorithm = algorithm == null ? "sha-256" : algorithm;
        String hash = FormValues.first(submitted, "hash");
        String problem = ConfigHash.check(yaml, algorithm, hash);
        if (problem != null && ConfigHash.check(yaml + "\n", algorithm, hash) == null) {
            // Forms carry a text-multi field line by line, so the file's last newline may not arrive.
            yaml = yaml + "\n";
            problem = null;
        }
        if (problem == null) {
            problem = replacer.replace(yaml, requester.toString());
        }
        return problem == null
                ? Outcome.done("Accepted: the configuration is valid and is being applied; the gateway reconnects in a few "
                        + "seconds and tells you the outcome by chat.")
                : Outcome.refused("Refused, nothing changed: " + problem);
    }
}
