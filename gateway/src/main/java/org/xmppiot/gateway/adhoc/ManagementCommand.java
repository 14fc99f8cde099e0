package org.xmppiot.gateway.adhoc;

import org.jivesoftware.smackx.xdata.packet.DataForm;
import org.jxmpp.jid.Jid;

/** One XEP-0050 command: at most one form to fill in, then an outcome in a note. */
public interface ManagementCommand {

    /** The command's node, e.g. {@code status}. */
    String node();

    /** What clients show in their command menus. */
    String name();

    /** Owners only; otherwise owners and readers. */
    boolean ownersOnly();

    /** Anyone may run it, strangers too (asking for access); none but that one does. */
    default boolean forStrangers() {
        return false;
    }

    /** The form to fill in first, built fresh for each use; null when the command runs at once. */
    DataForm form();

    /** Runs with the submitted form (null for a command without one) and says how it went. */
    Outcome run(DataForm submitted, Jid requester);

    /** What the requester is told: a sentence, and whether it is a failure. */
    record Outcome(boolean failed, String text) {
        public static Outcome done(String text) {
            return new Outcome(false, text);
        }

        public static Outcome refused(String text) {
            return new Outcome(true, text);
        }
    }
}
