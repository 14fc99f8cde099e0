#!/usr/bin/env bash
# Writes src/deb/classes.lst: the classes the gateway loads while it runs (the demo: a Prosody on 127.0.0.1,
# simulated things, readings stored and published, a watcher), under the package's JVM options. The package's
# postinst archives them once (class-data sharing), so that every start maps them instead of loading them.
# The demo speaks plain XMPP on loopback: with this list a start over STARTTLS takes 0.0-0.2 s more than a plain one
# (StartBench's STARTTLS rows); a list from `demo --tls`, some 600 classes more, did not reliably shorten that and took
# 1-3 MiB more in every start without TLS (bench/README.md, "Start over STARTTLS").
# Run it again after changes that add or rename many classes: bash deploy/raspberry-pi/make-class-list.sh
# (classes missing from the list only load the usual way; names no longer there are skipped).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/packages.sh
install_missing prosody:prosody prosodyctl:prosody javac:openjdk-17-jdk-headless mvn:maven
mvn -B -q -DskipTests install -pl gateway -am
eval "$(grep '^JAVA_OPTS=' deploy/raspberry-pi/src/deb/etc/default)"
jar="$PWD/gateway/target/xmpp-iot-gateway.jar"
out="$PWD/deploy/raspberry-pi/src/deb/classes.lst"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2086 # word splitting of the option list is intended
if ! (cd "$work" && java $JAVA_OPTS -XX:DumpLoadedClassList="$work/classes.lst" -jar "$jar" demo --seconds=20 >"$work/demo.log" 2>&1); then
    cat "$work/demo.log" >&2
    echo "make-class-list: the demo failed; the class list is unchanged" >&2
    exit 1
fi
grep -q '^org/xmppiot/gateway/pubsub/PubSubPublisher' "$work/classes.lst" || {
    echo "make-class-list: the demo did not publish (no publisher class in the list); the class list is unchanged" >&2
    exit 1
}
cp "$work/classes.lst" "$out"
echo "make-class-list: $(grep -vc '^[#@]' "$out") classes in $out"
