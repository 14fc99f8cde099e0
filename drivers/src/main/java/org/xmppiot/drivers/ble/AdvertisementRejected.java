package org.xmppiot.drivers.ble;

/** An advertisement that cannot be decoded, with the kind it is counted by and why, for the log. */
final class AdvertisementRejected extends Exception {

    private static final long serialVersionUID = 1L;

    private final String kind;

    AdvertisementRejected(String kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** "truncated", "malformed", "wrong-key", "replayed", "unencrypted" ... */
    String kind() {
        return kind;
    }
}
