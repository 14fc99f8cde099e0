package org.xmppiot.gateway.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** The {@code --config} option shared by the commands that read a configuration file. */
final class ConfigOption {

    static final String DEFAULT = "/etc/xmpp-iot-gateway/gateway.yaml";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = DEFAULT,
            description = "Configuration file (default: ${DEFAULT-VALUE}).")
    Path file;
}
