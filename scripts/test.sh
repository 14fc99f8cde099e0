#!/usr/bin/env bash
# Runs every test. Installs what the tests need when it is missing (Prosody, socat, JDK 17, Maven),
# then builds and tests all modules with Maven. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/packages.sh
install_missing prosody:prosody prosodyctl:prosody socat:socat javac:openjdk-17-jdk-headless mvn:maven
exec mvn -B verify "$@"
