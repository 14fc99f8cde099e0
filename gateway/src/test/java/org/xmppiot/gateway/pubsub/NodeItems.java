package org.xmppiot.gateway.pubsub;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.pubsub.LeafNode;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.jxmpp.jid.impl.JidCreate;
import org.xmppiot.gateway.iotdata.SensorDataFields;
import org.xmppiot.gateway.testing.ProsodyExtension;

/** What a node holds as the reader account retrieves it. */
final class NodeItems {

    /** One published item as a subscriber sees it. */
    record SeenItem(String id, SensorDataFields payload) {
    }

    private NodeItems() {
    }

    /** The node's items, oldest first. */
    static List<SeenItem> items(ProsodyExtension prosody, Path dir, String node) throws Exception {
        XMPPTCPConnection c = prosody.connection(dir, "reader");
        // A node of a thousand items of fifty readings is megabytes: on a busy machine the server takes longer than
        // the 5 s the test accounts allow for an answer.
        c.setReplyTimeout(java.time.Duration.ofMinutes(2).toMillis());
        try {
            c.connect().login();
            LeafNode leaf = PubSubManager.getInstanceFor(c, JidCreate.bareFrom("pubsub.localhost")).getLeafNode(node);
            List<PayloadItem<SensorDataFields>> items = leaf.getItems();
            List<SeenItem> out = new ArrayList<>();
            for (PayloadItem<SensorDataFields> item : items) {
                out.add(new SeenItem(item.getId(), item.getPayload()));
            }
            if (out.size() > 1 && out.get(0).payload().readings().get(0).timestamp()
                    .isAfter(out.get(out.size() - 1).payload().readings().get(0).timestamp())) {
                Collections.reverse(out);
            }
            return out;
        } finally {
            c.disconnect();
        }
    }
}
