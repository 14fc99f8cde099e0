package org.xmppiot.gateway.config;

import java.util.List;

/** Who may use the gateway: owners read and control, readers only read. Everyone else is refused. */
public record AccessConfig(List<String> owners, List<String> readers) {

    public AccessConfig {
        owners = List.copyOf(owners);
        readers = List.copyOf(readers);
    }

    /** Owners and readers together, owners first, without repeats. */
    public List<String> everyone() {
        return java.util.stream.Stream.concat(owners.stream(), readers.stream()).distinct().toList();
    }
}
