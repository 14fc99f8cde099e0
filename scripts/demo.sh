#!/usr/bin/env bash
# The demo: a throwaway Prosody on 127.0.0.1, the gateway with simulated sensors, and a watcher
# printing the readings that arrive from the server. Ctrl-C stops everything it started.
# Installs Prosody, socat, openssl, a JDK 17 and Maven when missing, and builds the gateway on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/packages.sh
install_missing prosody:prosody prosodyctl:prosody socat:socat openssl:openssl javac:openjdk-17-jdk-headless mvn:maven
jar=gateway/target/xmpp-iot-gateway.jar
if [ ! -f "$jar" ] || [ -n "$(find . -path ./.git -prune -o -path '*/target' -prune -o -type f -newer "$jar" -print -quit)" ]; then
    echo "demo: building the gateway (the first build downloads its dependencies) ..." >&2
    mvn -B -q -Dstyle.color=never -DskipTests package
fi
exec java -jar "$jar" demo "$@"
