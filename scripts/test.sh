#!/usr/bin/env bash
# Runs every test. Installs what the tests need when it is missing (Prosody, socat, openssl, iproute2, curl, JDK 17, Maven,
# python3-slixmpp, ejabberd, python3-pymodbus, python3-dbusmock and dbus-daemon, chromium and chromium-driver, promtool (unpacked from Debian's prometheus package), Prosody's SQLite driver, debootstrap for the package test, QEMU for the power-cut test), then builds and tests all modules
# with Maven. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/packages.sh
install_missing prosody:prosody prosodyctl:prosody socat:socat openssl:openssl javac:openjdk-17-jdk-headless mvn:maven ip:iproute2 curl:curl \
    debootstrap:debootstrap qemu-system-x86_64:qemu-system-x86 mkfs.ext4:e2fsprogs
# An XMPP client on another library (Debian's Python 3 with slixmpp) checks that others read what we publish.
/usr/bin/python3 -c 'import slixmpp' 2>/dev/null || install_packages python3-slixmpp
# Prosody keeps pub/sub items in SQLite for the tests that publish thousands of items across restarts: its
# default file storage rewrites a node's whole item file on every publish with an item id.
dpkg -s lua-dbi-sqlite3 >/dev/null 2>&1 || install_packages lua-dbi-sqlite3
# Modbus tests check the driver against pymodbus, a Modbus implementation independent of ours.
/usr/bin/python3 -c 'import pymodbus' 2>/dev/null || install_packages python3-pymodbus
# Failover is tested on a real two-node ejabberd cluster the test starts (as the ejabberd user, on 127.0.0.1).
install_missing ejabberdctl:ejabberd
# BLE tests run against BlueZ's D-Bus interface as python3-dbusmock plays it, on a private bus of their own.
install_missing dbus-daemon:dbus-daemon
/usr/bin/python3 -c 'import dbusmock' 2>/dev/null || install_packages python3-dbusmock
# The status page is tested in a real browser: Debian's chromium, driven through its chromedriver.
install_missing chromium:chromium chromedriver:chromium-driver
# /metrics is checked by promtool, Prometheus's own checker. Debian ships it only in the prometheus package, whose
# server must not run here: the package is unpacked into a cache directory, not installed.
promtool_dir=/var/cache/xmpp-iot-gateway-tests/prometheus
if ! command -v promtool >/dev/null 2>&1 && [ ! -x "$promtool_dir/usr/bin/promtool" ]; then
    as_root mkdir -p "$promtool_dir"
    (cd "$promtool_dir" && { as_root apt-get download prometheus 2>/dev/null || { as_root apt-get update -qq && as_root apt-get download prometheus; }; } \
        && as_root dpkg-deb -x prometheus_*.deb . && as_root rm -f prometheus_*.deb)
fi
PROMTOOL=$(command -v promtool || echo "$promtool_dir/usr/bin/promtool")
export PROMTOOL
exec mvn -B verify "$@"
