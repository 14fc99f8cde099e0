package org.xmppiot.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

class OneLineLayoutTest {

    private final LoggerContext context = new LoggerContext();
    private final Logger logger = context.getLogger("org.xmppiot.drivers.serial.SerialPortSupervisor");

    private LoggingEvent event(Level level, String message, Throwable thrown, Object... args) {
        return new LoggingEvent(Logger.class.getName(), logger, level, message, thrown, args);
    }

    @Test
    void oneLineWithTimeLevelTheLoggersLastNameAndTheMessage() {
        String line = new OneLineLayout(false).doLayout(event(Level.WARN, "thing={} serial port={} gone", null, "tank", "/dev/ttyUSB0"));
        assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  SerialPortSupervisor - thing=tank serial port=/dev/ttyUSB0 gone\\R");
    }

    @Test
    void stackTracesOnlyWhenAskedFor() {
        IllegalStateException failure = new IllegalStateException("port vanished");
        String plain = new OneLineLayout(false).doLayout(event(Level.ERROR, "read failed", failure));
        String debug = new OneLineLayout(true).doLayout(event(Level.ERROR, "read failed", failure));

        assertThat(plain).endsWith("ERROR SerialPortSupervisor - read failed" + System.lineSeparator()).doesNotContain("port vanished");
        assertThat(debug).contains("read failed" + System.lineSeparator() + "java.lang.IllegalStateException: port vanished")
                .contains("\tat org.xmppiot.gateway.cli.OneLineLayoutTest");
    }
}
