package org.xmppiot.bench;

/**
 * One peer at one offered rate: what was offered, delivered, how late, at what cost; and what the Prosody that took
 * the publishes spent per reading in the same window (the reference that moves with the machine).
 */
record StepResult(String peer, double offered, double delivered, double p50, double p99, double max,
                  double cpuMicrosPerReading, double rssMiB, boolean keptUp, double serverCpuMicrosPerReading) {
}
