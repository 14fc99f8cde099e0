package org.xmppiot.core.spi;

/**
 * A driver's input left waiting while its device is busy (a serial port's bytes in the kernel's buffer), to be taken
 * in by the bus's gathering thread just before it forms each batch: a device that sends many frames a second then
 * costs no wake-up of a thread of its own per frame. See {@link ReadingSink#hold}.
 */
public interface HeldInput {

    /**
     * Takes in what is waiting and hands on its readings, on the gathering thread; must not block. False when nothing
     * was waiting. An input that can no longer be read here (its device went away, its driver closes) brings nothing
     * from then on and is handed back after a quiet spell; its driver need not wait for that.
     */
    boolean collect();

    /** No longer taken in by the bus: the driver reads the input on its own thread again. */
    void handBack();
}
