package org.xmppiot.drivers.serial;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import com.fazecast.jSerialComm.SerialPort;

import org.junit.jupiter.api.Test;
import org.xmppiot.drivers.common.SerialLine;

/** A busy port is read in gathered chunks, but never so rarely that the kernel's 4 KiB tty buffer could overflow. */
class SerialGatherTest {

    private static SerialLine line(int baud, int parity, int stopBits) {
        return new SerialLine("/dev/null", baud, 8, parity, stopBits, SerialPort.FLOW_CONTROL_DISABLED);
    }

    /** Nanoseconds the line needs to bring {@code bytes} bytes of {@code bits} bits each. */
    private static long timeFor(int bytes, int bits, int baud) {
        return TimeUnit.SECONDS.toNanos(1) * bytes * bits / baud;
    }

    @Test
    void commonLineSpeedsAreReadEvery20msWhileBusy() {
        for (int baud : new int[] {9600, 115200}) {
            assertThat(SerialPortSupervisor.gatherNanos(line(baud, SerialPort.NO_PARITY, SerialPort.ONE_STOP_BIT)))
                    .as("%d baud", baud).isEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Test
    void aFastLineIsReadBeforeAKibibyteWaits() {
        for (int baud : new int[] {921_600, 3_000_000}) {
            long gather = SerialPortSupervisor.gatherNanos(line(baud, SerialPort.EVEN_PARITY, SerialPort.TWO_STOP_BITS));
            assertThat(gather).as("%d baud", baud).isLessThan(TimeUnit.MILLISECONDS.toNanos(20))
                    .isLessThanOrEqualTo(timeFor(1024, 1 + 8 + 1 + 2, baud))
                    // Most of a kibibyte still comes per read, not a byte at a time.
                    .isGreaterThan(timeFor(512, 1 + 8 + 1 + 2, baud));
        }
    }

    @Test
    void theBusMayLeaveABusyPortUnreadOnlyForAsLongAsHalfTheKernelsBufferTakesToFill() {
        for (int baud : new int[] {9600, 115_200, 921_600}) {
            long maxWait = SerialPortSupervisor.heldMaxWait(line(baud, SerialPort.NO_PARITY, SerialPort.ONE_STOP_BIT)).toNanos();
            assertThat(maxWait).as("%d baud", baud).isEqualTo(timeFor(2048, 1 + 8 + 1, baud));
        }
        // So a 115200 baud line may be left to the store's default 50 ms batches, a 921600 baud one is read by its own thread.
        assertThat(SerialPortSupervisor.heldMaxWait(line(115_200, SerialPort.NO_PARITY, SerialPort.ONE_STOP_BIT)))
                .isGreaterThan(java.time.Duration.ofMillis(50));
        assertThat(SerialPortSupervisor.heldMaxWait(line(921_600, SerialPort.NO_PARITY, SerialPort.ONE_STOP_BIT)))
                .isLessThan(java.time.Duration.ofMillis(50));
    }
}
