#!/usr/bin/env bash
# Runs every test. Installs what the tests need when it is missing (Prosody, socat, openssl, iproute2, JDK 17, Maven,
# python3-slixmpp, python3-pymodbus, Prosody's SQLite driver, debootstrap for the package test), then builds and tests all modules
# with Maven. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/packages.sh
install_missing prosody:prosody prosodyctl:prosody socat:socat openssl:openssl javac:openjdk-17-jdk-headless mvn:maven ip:iproute2 \
    debootstrap:debootstrap
# An XMPP client on another library (Debian's Python 3 with slixmpp) checks that others read what we publish.
/usr/bin/python3 -c 'import slixmpp' 2>/dev/null || install_packages python3-slixmpp
# Prosody keeps pub/sub items in SQLite for the tests that publish thousands of items across restarts: its
# default file storage rewrites a node's whole item file on every publish with an item id.
dpkg -s lua-dbi-sqlite3 >/dev/null 2>&1 || install_packages lua-dbi-sqlite3
# Modbus tests check the driver against pymodbus, a Modbus implementation independent of ours.
/usr/bin/python3 -c 'import pymodbus' 2>/dev/null || install_packages python3-pymodbus
exec mvn -B verify "$@"
