package org.xmppiot.bench;

import java.nio.file.Path;
import java.util.List;

/** Something that reads the bench's serial devices and publishes to its pub/sub nodes, as a process of its own. */
interface Peer {

    /** Short name for tables and node names. */
    String name();

    /** One line for the results: what runs and how it publishes. */
    String description();

    /** Devices by port with the node each one's readings go to. */
    record Device(Path port, String thing, String node) {
    }

    /** Whether the bench creates the nodes first (a gateway creates its own). */
    boolean needsNodes();

    /** Starts the peer in {@code work}; output goes to {@code <name>.log} there. */
    Process start(Path work, List<Device> devices, BenchXmpp xmpp) throws Exception;
}
