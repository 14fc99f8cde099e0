package org.xmppiot.core.spi;

/**
 * A frame that does not fit its mapping. {@code kind} is short and stable (e.g. {@code no-match},
 * {@code bad-number}) so that rejections can be counted and logged once per kind.
 */
public final class FrameRejectedException extends Exception {

    private final String kind;

    public FrameRejectedException(String kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public String kind() {
        return kind;
    }
}
