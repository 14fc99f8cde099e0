package org.xmppiot.gateway.adhoc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.commands.AdHocCommandManager;
import org.jivesoftware.smackx.commands.AdHocCommandNote;
import org.jivesoftware.smackx.commands.LocalCommand;
import org.jivesoftware.smackx.xdata.FormField;
import org.jivesoftware.smackx.xdata.form.FillableForm;
import org.jivesoftware.smackx.xdata.packet.DataForm;
import org.jxmpp.jid.Jid;
import org.xmppiot.core.config.AccessConfig;
import org.xmppiot.gateway.ConfigReplacer;
import org.xmppiot.gateway.xmpp.SessionListener;

/**
 * XEP-0050 ad-hoc commands for managing the gateway remotely: {@code list} and {@code status} for
 * owners and readers, {@code replace-config} for owners. A new configuration comes with its XEP-0300
 * hash ({@code urn:xmpp:hashes:2} algorithm names); a wrong hash or an invalid document changes nothing
 * and the answer says why.
 */
public final class AdHocCommands implements SessionListener {

    /** XEP-0300 names of the hash functions the JDK has, strongest first. */
    static final Map<String, String> HASHES = new LinkedHashMap<>();

    static {
        HASHES.put("sha3-512", "SHA3-512");
        HASHES.put("sha3-256", "SHA3-256");
        HASHES.put("sha-512", "SHA-512");
        HASHES.put("sha-256", "SHA-256");
    }

    private final AccessConfig access;
    private final Supplier<Set<String>> things;
    private final Function<String, String> titles;
    private final Supplier<String> status;
    private final ConfigReplacer replacer;

    public AdHocCommands(AccessConfig access, Supplier<Set<String>> things, Function<String, String> titles, Supplier<String> status,
                         ConfigReplacer replacer) {
        this.access = access;
        this.things = things;
        this.titles = titles;
        this.status = status;
        this.replacer = replacer;
    }

    @Override
    public void sessionStarted(XMPPTCPConnection connection) {
        AdHocCommandManager commands = AdHocCommandManager.getAddHocCommandsManager(connection);
        commands.registerCommand("list", "List things", () -> new OneStep(false) {
            @Override
            public void execute() {
                StringBuilder b = new StringBuilder();
                for (String t : new TreeSet<>(things.get())) {
                    b.append(b.length() == 0 ? "" : "\n").append(t).append(" (").append(titles.apply(t)).append(')');
                }
                addNote(new AdHocCommandNote(AdHocCommandNote.Type.info, b.length() == 0 ? "No things." : b.toString()));
            }
        });
        commands.registerCommand("status", "Gateway status", () -> new OneStep(false) {
            @Override
            public void execute() {
                addNote(new AdHocCommandNote(AdHocCommandNote.Type.info, status.get()));
            }
        });
        if (replacer != null) {
            commands.registerCommand("replace-config", "Replace the configuration", ReplaceConfig::new);
        }
    }

    /** A command of one step; owners only when {@code ownersOnly}, else owners and readers. */
    private abstract class OneStep extends LocalCommand {
        private final boolean ownersOnly;

        OneStep(boolean ownersOnly) {
            this.ownersOnly = ownersOnly;
        }

        @Override
        public boolean isLastStage() {
            return true;
        }

        @Override
        public boolean hasPermission(Jid jid) {
            String bare = jid.asBareJid().toString();
            return ownersOnly ? access.owners().contains(bare) : access.everyone().contains(bare);
        }

        @Override
        public void next(FillableForm response) {
        }

        @Override
        public void complete(FillableForm response) {
        }

        @Override
        public void prev() {
        }

        @Override
        public void cancel() {
        }
    }

    /** Two steps: a form for the document and its hash, then the verdict. */
    private final class ReplaceConfig extends OneStep {
        private boolean asked;

        ReplaceConfig() {
            super(true);
        }

        @Override
        public boolean isLastStage() {
            return asked;
        }

        @Override
        public void execute() {
            setForm(DataForm.builder(DataForm.Type.form).setTitle("Replace the configuration")
                    .addInstruction("Paste the whole YAML configuration and its hash (XEP-0300: base64 of the digest of its UTF-8 bytes).")
                    .addField(FormField.textMultiBuilder("config").setLabel("Configuration (YAML)").setRequired().build())
                    .addField(hashChoice())
                    .addField(FormField.textSingleBuilder("hash").setLabel("Hash (base64)").setRequired().build())
                    .build());
            asked = true;
        }

        @Override
        public void complete(FillableForm response) {
            String yaml = String.join("\n", response.getField("config").getValuesAsString());
            String algorithm = response.getField("hash-algorithm") == null ? "sha-256" : response.getField("hash-algorithm").getFirstValue();
            String hash = response.getField("hash") == null ? null : response.getField("hash").getFirstValue();
            String problem = checkHash(yaml, algorithm, hash);
            if (problem == null) {
                problem = replacer.replace(yaml, getOwnerJID() == null ? "" : getOwnerJID().toString());
            }
            addNote(problem == null
                    ? new AdHocCommandNote(AdHocCommandNote.Type.info, "Accepted: the configuration is valid and is being applied; "
                            + "the gateway reconnects in a few seconds and tells you the outcome.")
                    : new AdHocCommandNote(AdHocCommandNote.Type.error, "Refused, nothing changed: " + problem));
        }
    }

    private static FormField hashChoice() {
        var choice = FormField.listSingleBuilder("hash-algorithm").setLabel("Hash algorithm");
        HASHES.keySet().forEach(choice::addOption);
        return choice.setValue("sha-256").build();
    }

    /** Null when {@code hash} is the base64 {@code algorithm} digest of the document's UTF-8 bytes; otherwise why not. */
    static String checkHash(String document, String algorithm, String hash) {
        String jdkName = algorithm == null ? null : HASHES.get(algorithm);
        if (jdkName == null) {
            return "unknown hash algorithm '" + algorithm + "'; use one of " + HASHES.keySet();
        }
        if (hash == null || hash.isBlank()) {
            return "the hash is missing";
        }
        byte[] expected;
        try {
            expected = Base64.getDecoder().decode(hash.trim());
        } catch (IllegalArgumentException e) {
            return "the hash is not base64";
        }
        try {
            byte[] actual = MessageDigest.getInstance(jdkName).digest(document.getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(actual, expected) ? null
                    : "the " + algorithm + " hash does not match the document (changed or cut on the way?)";
        } catch (NoSuchAlgorithmException e) {
            return "this Java runtime lacks " + jdkName;
        }
    }
}
