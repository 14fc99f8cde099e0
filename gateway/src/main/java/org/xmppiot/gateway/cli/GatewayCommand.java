package org.xmppiot.gateway.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

/** The top-level command; it only groups the subcommands. */
@Command(name = "xmpp-iot-gateway", mixinStandardHelpOptions = true, versionProvider = GatewayCommand.Version.class,
        description = "Serves sensors and actuators (serial, Modbus, GPIO, I2C, 1-Wire, Bluetooth LE, mDNS smart objects, simulated)"
                + " over XMPP: pub/sub nodes, XEP-0323 read-outs, XEP-0325 control, chat and ad-hoc commands.",
        subcommands = {RunCommand.class, CheckConfigCommand.class, WatchCommand.class, PortsCommand.class, BleScanCommand.class, FleetCommand.class, DiscoverCommand.class,
            DemoCommand.class, DoctorCommand.class, JoinCommand.class, ServerCommand.class},
        scope = picocli.CommandLine.ScopeType.INHERIT)
final class GatewayCommand implements Runnable {

    @Option(names = "--debug", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Log everything, with stack traces.")
    boolean debug;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version from the jar's manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"xmpp-iot-gateway " + version()};
        }
    }

    static String version() {
        String v = GatewayCommand.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }
}
