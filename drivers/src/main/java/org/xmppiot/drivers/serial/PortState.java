package org.xmppiot.drivers.serial;

/** Where a serial port stands, with the reason when it is not connected. */
record PortState(Kind kind, String reason) {

    enum Kind {
        /** Open and being read. */
        CONNECTED,
        /** Not there (unplugged, not yet plugged in); the supervisor keeps trying. */
        WAITING,
        /** There but unusable, e.g. no permission; the supervisor keeps trying, more slowly. */
        ERROR
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + (reason == null ? "" : " (" + reason + ")");
    }
}
