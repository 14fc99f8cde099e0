#!/usr/bin/env bash
# Updates a machine that runs the gateway's package as a Pi does, the way an owner does it: `xmpp-iot-gateway fleet
# update VERSION` on another machine, the gateway's ad-hoc command, and the package's update helper with systemd and apt
# from a signed repository. The machine is a Debian 12 virtual machine (see vm.sh); the repository, with three versions
# made from the built package, is served on the host's 127.0.0.1; so is the XMPP server (Prosody). It checks:
#   - N -> N+1: the owner is told "updated", N+1 runs;
#   - N+1 -> N+2, a version built broken on purpose (it cannot connect): rolled back to N+1 with the reason reported;
#   - a power cut while apt installs an update: the machine boots into a working version (the helper finishes or
#     rolls back the update at boot) and readings reach the node again;
#   - no reading lost across all of it: every reading is on the node once the store is empty, but those of the
#     durability window before the cut.
#
# Usage: update.sh TARGET-DIR WORK-DIR
#   TARGET-DIR  where the build left xmpp-iot-gateway_*_all.deb
#   WORK-DIR    made (and deleted afterwards unless KEEP_VM is set) by this script
# Needs root (debootstrap, chroot); KVM where a guest kernel starts under it, plain emulation otherwise. The guest's root file system
# is shared with power-cut.sh (XMPP_IOT_GATEWAY_VM_CACHE, default /var/cache/xmpp-iot-gateway-vm).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../scripts/lib/packages.sh"

target=${1:?usage: update.sh TARGET-DIR WORK-DIR}
work=${2:?usage: update.sh TARGET-DIR WORK-DIR}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${XMPP_IOT_GATEWAY_VM_CACHE:-/var/cache/xmpp-iot-gateway-vm}
name=xmpp-iot-gateway
debs=("$target"/${name}_*_all.deb)
deb=${debs[0]}
[ -f "$deb" ] || { echo "no package in $target; build it first (mvn package)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "the update test needs root (debootstrap, chroot): run it as root, as CI does" >&2; exit 1; }
. "$here/vm.sh"
install_missing qemu-system-x86_64:qemu-system-x86 debootstrap:debootstrap mkfs.ext4:e2fsprogs openssl:openssl prosody:prosody \
    gpg:gnupg apt-ftparchive:apt-utils
/usr/bin/python3 -c 'import slixmpp' 2>/dev/null || install_packages python3-slixmpp

started=$(date +%s)
log() { echo "[update $(( $(date +%s) - started ))s] $*"; }
qemu_pid= prosody_pid= watcher_pid= repo_pid= cli_pid= aim_server_pid= srv=
cleanup() {
    for pid in $qemu_pid $watcher_pid $prosody_pid $repo_pid $cli_pid $aim_server_pid; do kill -9 "$pid" 2>/dev/null || true; done
    GNUPGHOME="$work/gnupg" gpgconf --kill gpg-agent 2>/dev/null || true
    umount "$work/root/proc" 2>/dev/null || true
    if [ -z "${KEEP_VM:-}" ]; then rm -rf "$work" "${srv:-}"; fi
}
trap cleanup EXIT
rm -rf "$work"
mkdir -p "$work" "$cache"
failures=0
fail() { echo "FAIL  $*"; failures=$((failures + 1)); }
pass() { echo "ok    $*"; }

# 1. Three versions from the built package: N, N+1, and N+2 whose launcher sends every connection to a SOCKS proxy
#    that is not there (it starts, but never connects). A signed repository holds all three.
base=$(dpkg-deb -f "$deb" Version)
v1="$base+u1" v2="$base+u2" v3="$base+u3"
re() { sed 's/[].[^$*+?(){}|\\]/\\&/g' <<< "$1"; } # a version as a regular expression
r1=$(re "$v1") r2=$(re "$v2") r3=$(re "$v3")
reversion() { # reversion VERSION [broken]: the built package as VERSION
    local tree="$work/pkg-$1"
    dpkg-deb -R "$deb" "$tree"
    sed -i "s/^Version: .*/Version: $1/" "$tree/DEBIAN/control"
    if [ "${2:-}" = broken ]; then
        sed -i 's|^# GATEWAY_JAVA_OPTS:|JAVA_OPTS="$JAVA_OPTS -DsocksProxyHost=127.0.0.1 -DsocksProxyPort=9"\n&|' "$tree/usr/bin/$name"
        grep -q socksProxyHost "$tree/usr/bin/$name" || { echo "the launcher changed: cannot break it" >&2; exit 1; }
    fi
    dpkg-deb -Zgzip -z1 -b "$tree" "$work/${name}_$1_all.deb" >/dev/null
    rm -rf "$tree"
}
reversion "$v1"; reversion "$v2"; reversion "$v3" broken
mkdir -m 0700 "$work/gnupg"
GNUPGHOME="$work/gnupg" gpg --batch --passphrase '' --quick-gen-key "releases <releases@test.invalid>" ed25519 sign 1d 2>/dev/null
GNUPGHOME="$work/gnupg" bash "$here/../apt-repo.sh" --key releases@test.invalid "$work/repo" \
    "$work/${name}_${v1}_all.deb" "$work/${name}_${v2}_all.deb" "$work/${name}_${v3}_all.deb" >/dev/null
repo_port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/bin/python3 -m http.server --bind 127.0.0.1 --directory "$work/repo" "$repo_port" > "$work/repo.log" 2>&1 &
repo_pid=$!
log "versions $v1, $v2, $v3 (broken) in a signed repository on 127.0.0.1:$repo_port"

# 2. The XMPP server, and the owner's command line on the host (the package's own jar).
vm_rootfs
vm_prosody owner:owner-password watcher:watcher-password
mkdir -p "$work/host"
dpkg-deb -x "$deb" "$work/host"
echo owner-password > "$work/owner.password"
cat > "$work/owner.yaml" <<EOF
xmpp:
  jid: owner@localhost
  password-file: owner.password
  server: 127.0.0.1
  port: $port
  tls: required
  ca-file: $srv/ca.pem
EOF
fleet() { java -jar "$work/host/usr/share/$name/$name.jar" fleet "$@" -c "$work/owner.yaml"; }

# 3. The guest: version N installed, apt pointed at the repository only (the health gate keeps its bound, 180 s), units that report
#    to the serial console (the package's state, what the helper says) and cut the power when the harness asks.
vm_guest_root "$work/${name}_${v1}_all.deb" "  owners: [ owner@localhost ]
  readers: [ watcher@localhost ]"
rm -f "$root/etc/apt/sources.list" "$root"/etc/apt/sources.list.d/*
install -m 0644 "$work/repo/$name-archive-keyring.gpg" "$root/usr/share/keyrings/"
echo "deb [signed-by=/usr/share/keyrings/$name-archive-keyring.gpg] http://10.0.2.2:$repo_port ./" > "$root/etc/apt/sources.list.d/$name.list"
cat > "$root/usr/local/sbin/update-report" <<'EOF'
#!/bin/sh
while true; do
    echo "UPDATE-STATE version=$(dpkg-query -W -f='${Version}/${db:Status-Abbrev}' xmpp-iot-gateway | tr -d ' ')" \
        "active=$(systemctl is-active xmpp-iot-gateway) result=$(sed -n 's/^outcome=//p' /var/lib/xmpp-iot-gateway/update/result 2>/dev/null)" \
        "backlog=$(runuser -u xmpp-iot-gateway -- sqlite3 -cmd '.timeout 5000' /var/lib/xmpp-iot-gateway/readings.db 'SELECT count(*) FROM outbox' 2>&1)" > /dev/ttyS0
    sleep 3
done
EOF
# Cuts the power (an immediate reset without sync) when the harness asks, once apt's dpkg has begun installing.
cat > "$root/usr/local/sbin/update-aim" <<'EOF'
#!/bin/bash
port=$(sed -n 's/.*update.aim_port=\([0-9]*\).*/\1/p' /proc/cmdline)
until { read -r _ <&3; } 2>/dev/null 3<>"/dev/tcp/10.0.2.2/$port"; do sleep 0.5; done
until grep -qs '^stage=installing$' /var/lib/xmpp-iot-gateway-update/in-progress && pgrep -x dpkg >/dev/null; do sleep 0.05; done
sleep "0.$((RANDOM % 10))"
vm-cut-power "UPDATE-CUT $(date +%s%3N) while dpkg installs"
EOF
chmod 0755 "$root/usr/local/sbin/update-report" "$root/usr/local/sbin/update-aim"
# What the helper says goes to the console too ("xmpp-iot-gateway-update: ..." lines).
mkdir -p "$root/etc/systemd/system/$name-update.service.d"
printf '[Service]\nStandardOutput=journal+console\n' > "$root/etc/systemd/system/$name-update.service.d/console.conf"
vm_unit update-report After /usr/local/sbin/update-report
vm_unit update-aim After /usr/local/sbin/update-aim
vm_image

# 4. A subscriber that keeps every item the node gets.
/usr/bin/python3 "$here/power_cut_watch.py" watch 127.0.0.1 "$port" "$srv/ca.pem" "$work/items.txt" > "$work/watch.log" 2>&1 &
watcher_pid=$!
items() { { wc -l < "$work/items.txt"; } 2>/dev/null || echo 0; }
flowing() { # flowing WHAT: readings reach the node (200 more items within 10 minutes)
    local before deadline
    before=$(items) deadline=$(( $(date +%s) + 600 ))
    while [ "$(items)" -lt $((before + 200)) ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 1; done
    if [ "$(items)" -ge $((before + 200)) ]; then pass "$1: readings reach the node"; else fail "$1: no readings reach the node"; fi
}
helper_said() { grep -a "$name-update\[[0-9]*\]: " "$work/console-$1.log" | tr -d '\r' | sed 's/.*\]: /    /' || true; }
state() { grep -a '^UPDATE-STATE' "$work/console-$1.log" | tail -1 | tr -d '\r'; }
vm_aim_server
boot_until() { vm_boot_until "$1" "$2" "$3" "update.aim_port=$aim_port"; }
running() { # running DESCRIPTION PATTERN: the guest reports PATTERN (grep -E) within a minute
    local deadline=$(( $(date +%s) + 60 ))
    until state 1 | grep -qE -- "$2" || [ "$(date +%s)" -ge "$deadline" ]; do sleep 1; done
    expect "$1" "$2" "$(state 1)"
}
expect() { # expect DESCRIPTION PATTERN TEXT
    if grep -qE -- "$2" <<< "$3"; then pass "$1"; else fail "$1: no '$2' in: $3"; fi
}

# 5. N -> N+1, then the broken N+2.
boot_until 1 "UPDATE-STATE .* active=active" 900 || { tail -30 "$work/console-1.log"; exit 1; }
flowing "version $v1"
log "fleet update $v2 ..."
out=$(fleet update "$v2" --to gateway@localhost --wait 20m 2>&1) || true
echo "$out" | sed 's/^/    /'
expect "N -> N+1 updated" "^gateway@localhost: updated: Updated from $r1 to $r2\.$" "$out"
running "N+1 runs" "version=$r2/ii active=active result=updated"
flowing "version $v2"
log "fleet update $v3 (built broken) ..."
out=$(fleet update "$v3" --to gateway@localhost --wait 20m 2>&1) || true
echo "$out" | sed 's/^/    /'
expect "N+2 rolled back with the reason" \
    "^gateway@localhost: rolled back: Rolled back from $r3 to $r2: not connected and publishing within 180 s\.$" "$out"
running "N+1 runs again" "version=$r2/ii active=active result=rolled-back"
flowing "version $v2 after the rollback"
helper_said 1

# 6. A power cut while apt installs: boots into a working version.
log "fleet update $v1, with the power cut while dpkg installs ..."
fleet update "$v1" --to gateway@localhost --wait 30m > "$work/cut-update.out" 2>&1 &
cli_pid=$!
vm_aim cut
deadline=$(( $(date +%s) + 900 ))
while kill -0 "$qemu_pid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
kill -9 "$qemu_pid" "$cli_pid" 2>/dev/null || true
wait "$qemu_pid" "$cli_pid" 2>/dev/null || true
vm_aim ''
cut=$(vm_said UPDATE-CUT "$work/console-1.log" | sed -n '1s/^UPDATE-CUT \([0-9]*\) .*/\1/p')
if [ -n "$cut" ]; then
    pass "the power was cut while dpkg installed $v1"
    echo "$cut" > "$work/cuts.txt"
else
    fail "the guest did not cut its power during the update"
    date +%s%3N > "$work/cuts.txt"
fi
if boot_until 2 "UPDATE-STATE .* active=active result=\(updated\|rolled-back\)" 1200; then
    expect "after the cut: a working version, installed whole, its update finished" \
        "version=($r1|$r2)/ii active=active result=(updated|rolled-back)" "$vm_line"
else
    fail "after the cut: $(state 2)"
fi
helper_said 2
flowing "after the cut"

# 7. Once the store is empty, every reading is on the node but those of the durability window before the cut.
vm_check_when_empty 2 "UPDATE-STATE .*backlog=0[[:space:]]*$"
log "$(items) items, $failures failure(s), $((($(date +%s) - started) / 60)) min, accelerator $accel"
[ "$failures" -eq 0 ]
