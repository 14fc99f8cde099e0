package org.xmppiot.gateway.adhoc;

import java.util.List;

import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smackx.disco.NodeInformationProvider;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.jivesoftware.smackx.xdata.packet.DataForm;

/** disco#info of a command's node, as XEP-0050 describes it: a command node that takes data forms. */
final class CommandNodeInfo implements NodeInformationProvider {

    private final String name;

    CommandNodeInfo(String name) {
        this.name = name;
    }

    @Override
    public List<DiscoverItems.Item> getNodeItems() {
        return List.of();
    }

    @Override
    public List<String> getNodeFeatures() {
        return List.of(CommandResponder.NAMESPACE, DataForm.NAMESPACE);
    }

    @Override
    public List<DiscoverInfo.Identity> getNodeIdentities() {
        return List.of(new DiscoverInfo.Identity("automation", "command-node", name));
    }

    @Override
    public List<ExtensionElement> getNodePacketExtensions() {
        return List.of();
    }
}
