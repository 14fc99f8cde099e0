package org.xmppiot.drivers.serial;

import org.xmppiot.drivers.common.SerialLine;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fazecast.jSerialComm.SerialPort;

/**
 * Run in a JVM of its own by {@link PortPermissionTest}, with fewer rights than the test: opens the
 * port given as argument, prints the first state the supervisor reaches, and exits.
 */
public final class ReportFirstPortState {

    private ReportFirstPortState() {
    }

    public static void main(String[] args) throws Exception {
        BlockingQueue<PortState> states = new ArrayBlockingQueue<>(16);
        SerialLine settings = new SerialLine(args[0], 9600, 8, SerialPort.NO_PARITY, SerialPort.ONE_STOP_BIT,
                SerialPort.FLOW_CONTROL_DISABLED);
        try (SerialPortSupervisor supervisor = new SerialPortSupervisor("probe", settings, new SerialPortSupervisor.Listener() {
            @Override
            public void bytes(byte[] buf, int length) {
            }

            @Override
            public void stateChanged(PortState state) {
                states.offer(state);
            }
        })) {
            supervisor.start();
            PortState first = states.poll(20, TimeUnit.SECONDS);
            System.out.println("state: " + first);
        }
        System.exit(0);
    }
}
