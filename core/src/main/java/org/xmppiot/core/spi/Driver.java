package org.xmppiot.core.spi;

/**
 * A running source of readings for one thing. Created from configuration without touching hardware;
 * {@link #start} begins the I/O and {@link #close} ends it and frees what it holds.
 */
public interface Driver extends AutoCloseable {

    /** Starts producing readings into {@code sink}. Must return promptly; work happens on the driver's own threads. */
    void start(ReadingSink sink);

    /** Stops producing readings. No reading reaches the sink after this returns. */
    @Override
    void close();
}
