package org.xmppiot.core.spi;

import java.nio.file.Path;

/**
 * A device file a thing's driver opens, so that {@code doctor} can check it exists and is accessible before the
 * driver fails on it at run time.
 *
 * @param path      the file, e.g. {@code /dev/ttyUSB0} or {@code /dev/i2c-1}
 * @param write     whether the driver also writes to it
 * @param what      what it is, for messages: "serial port", "I2C bus 1"
 * @param ifMissing what to do when it does not exist, one sentence
 */
public record DeviceUse(Path path, boolean write, String what, String ifMissing) {
}
