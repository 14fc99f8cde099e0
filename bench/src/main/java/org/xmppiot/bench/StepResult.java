package org.xmppiot.bench;

/** One peer at one offered rate: what was offered, delivered, how late, at what cost. */
record StepResult(String peer, double offered, double delivered, double p50, double p99, double max,
                  double cpuMicrosPerReading, double rssMiB, boolean keptUp) {
}
