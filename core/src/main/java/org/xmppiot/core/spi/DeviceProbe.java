package org.xmppiot.core.spi;

/**
 * A check {@code doctor} makes on a configured device beyond its files: does it answer? Runs against the
 * device once, bounded in time, and says what it found.
 */
public interface DeviceProbe {

    /** What is checked, e.g. "unit 1 on /dev/ttyUSB0". */
    String what();

    /** Asks the device; returns what it found ("answers: input registers 0-1"), throws with why it did not answer. */
    String run() throws Exception;
}
