package org.xmppiot.gateway.xmpp;

import java.util.List;

import org.jivesoftware.smack.SmackConfiguration;

/**
 * Smack's extension managers that the gateway has no use for, left out before Smack starts. Each would otherwise attach
 * itself to every connection: answer anyone who asks (last activity, file transfer and bytestream offers, privacy
 * lists), announce in disco#info features the gateway does not have (group chat, vCards, XHTML-IM), and load its
 * classes into every process. Requests they would have answered get the gateway's bare service-unavailable error,
 * as any other request nobody handles.
 *
 * <p>Kept: service discovery and entity capabilities, ad-hoc commands, ping, entity time, software version, data
 * forms, and delivery receipts (chat clients show whether the gateway received a message).
 */
public final class SmackManagers {

    /** Smack's startup classes (its extensions.xml) that are not loaded. */
    static final List<String> LEFT_OUT = List.of(
            "org.jivesoftware.smackx.xhtmlim.XHTMLManager",
            "org.jivesoftware.smackx.mediaelement.MediaElementManager",
            "org.jivesoftware.smackx.muc.MultiUserChatManager",
            "org.jivesoftware.smackx.muc.bookmarkautojoin.MucBookmarkAutojoinManager",
            "org.jivesoftware.smackx.bytestreams.ibb.InBandBytestreamManager",
            "org.jivesoftware.smackx.bytestreams.socks5.Socks5BytestreamManager",
            "org.jivesoftware.smackx.filetransfer.FileTransferManager",
            "org.jivesoftware.smackx.iqlast.LastActivityManager",
            "org.jivesoftware.smackx.privacy.PrivacyListManager",
            "org.jivesoftware.smackx.vcardtemp.VCardManager");

    private SmackManagers() {
    }

    /**
     * Leaves them out, if Smack has not started yet in this process (once started, it has loaded them): the entry
     * point calls this first, and the connection factory again for other callers.
     */
    public static synchronized void leaveOutUnused() {
        if (!SmackConfiguration.isSmackInitialized()) {
            SmackConfiguration.addDisabledSmackClasses(LEFT_OUT.toArray(String[]::new));
        }
    }
}
