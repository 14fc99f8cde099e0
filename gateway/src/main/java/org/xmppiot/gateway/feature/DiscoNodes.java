package org.xmppiot.gateway.feature;

import java.util.List;

import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.jxmpp.jid.Jid;

/** A disco#items node a feature answers (the XEP-0050 commands node, say), so the disco feature need not know it. */
public interface DiscoNodes {

    /** The node's name, as a client asks for it. */
    String node();

    /** What {@code requester} may see under the node, addressed to {@code self}; empty for those who may see nothing. */
    List<DiscoverItems.Item> items(Jid requester, Jid self);
}
