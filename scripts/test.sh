#!/usr/bin/env bash
# Runs every test. Installs what the tests need when it is missing (Prosody, socat, openssl, JDK 17, Maven,
# python3-slixmpp), then builds and tests all modules with Maven. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/packages.sh
install_missing prosody:prosody prosodyctl:prosody socat:socat openssl:openssl javac:openjdk-17-jdk-headless mvn:maven
# An XMPP client on another library (Debian's Python 3 with slixmpp) checks that others read what we publish.
/usr/bin/python3 -c 'import slixmpp' 2>/dev/null || install_packages python3-slixmpp
exec mvn -B verify "$@"
