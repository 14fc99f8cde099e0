package org.xmppiot.gateway.cli;

/** Exit codes of every command, so scripts and systemd can tell failures apart. */
final class ExitCodes {
    static final int OK = 0;
    /** Could not do the job: server unreachable, login refused, node missing. */
    static final int RUNTIME_FAILURE = 1;
    /** The configuration or the command line is wrong; retrying will not help. */
    static final int BAD_CONFIG = 2;

    private ExitCodes() {
    }
}
