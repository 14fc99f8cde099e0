#!/usr/bin/env bash
# The whole comparison in one command: bash bench/run.sh
# Installs what it needs (Prosody, socat, JDK 17, Maven, Node.js/npm, gnuplot; Node-RED 4 and the peers' npm
# packages from the npm registry), builds the gateway, runs JMH and the end-to-end comparison, and writes
# bench/results/RESULTS.md, e2e.csv, jmh.txt and e2e.png. Takes about 45 minutes on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/packages.sh
install_missing prosody:prosody prosodyctl:prosody socat:socat openssl:openssl strace:strace javac:openjdk-17-jdk-headless mvn:maven node:nodejs npm:npm gnuplot:gnuplot-nox chromium:chromium ejabberdctl:ejabberd
# The Modbus comparison polls a pymodbus slave with the gateway and with a pymodbus client.
/usr/bin/python3 -c 'import pymodbus' 2>/dev/null || install_packages python3-pymodbus

results=bench/results
work=bench/work
rm -rf "$work"
mkdir -p "$results" "$work/node-red-user"

# The peers' packages, as pinned in their package.json files.
(cd bench/peers/node && npm install --no-audit --no-fund --loglevel=error)
(cd bench/peers/node-red && npm install --no-audit --no-fund --loglevel=error)
# Node-RED finds the serial nodes and the function node's module (functionExternalModules) in its user
# directory's node_modules: the ones installed above, so that nothing is installed while it is timed.
ln -s "$PWD/bench/peers/node-red/node_modules" "$work/node-red-user/node_modules"

mvn -B -q -DskipTests package
cp=$(ls bench/target/xmpp-iot-gateway-bench.jar):bench/target/lib/*

echo "== JMH: the hot path in one process"
java -cp "$cp" org.openjdk.jmh.Main -rf text -rff "$results/jmh.txt" HotPathBenchmark

echo "== End to end"
java -cp "$cp" org.xmppiot.bench.Comparison "$PWD" "$work" "$results"

echo "== A fleet on a two-node ejabberd cluster: 5, 20 and 50 gateways, one node stopped"
java -cp "$cp" org.xmppiot.bench.ClusterScaleBench "$PWD" "$work/cluster" | tee "$work/cluster.txt"
{ echo; echo "## A fleet on a two-node ejabberd cluster"; echo; grep '^|' "$work/cluster.txt"; } >> "$results/RESULTS.md"

echo "== Against a slow server: Prosody's default file storage, 100 readings/s for 5 minutes, the gateway's defaults"
java -cp "$cp" org.xmppiot.bench.SlowServerBench "$PWD" "$work/slow" | tee "$work/slow.txt"
{ echo; echo "## Against a slow server (Prosody's default file storage)"; echo
  echo "| settings | offered | backlog every 30 s (readings) | most | readings missed at the subscriber | items |"
  echo "|---|---|---|---|---|---|"; grep '^|' "$work/slow.txt"; } >> "$results/RESULTS.md"

echo "== Start to first publish, with and without the package's class-data archive"
java -cp "$cp" org.xmppiot.bench.StartBench "$PWD" "$work/start" | tee "$work/start.txt"
{ echo; echo "## Start to first publish"; echo
  echo "| JVM | median s | rounds s |"; echo "|---|---|---|"; grep '^|' "$work/start.txt"; } >> "$results/RESULTS.md"

echo "== Idle cost: one reading a second"
java -cp "$cp" org.xmppiot.bench.IdleCostBench "$PWD" "$work/idle" | tee "$work/idle.txt"
{ echo; echo "## Idle cost: one simulated thing at 1 reading/s"; echo
  echo "| build | gateway CPU, share of a core | per reading | Prosody CPU | RSS |"; echo "|---|---|---|---|---|"
  grep '^|' "$work/idle.txt"; } >> "$results/RESULTS.md"

gnuplot -e "results='$results'" bench/e2e.gp
echo "Results: $results/RESULTS.md and $results/e2e.png"
