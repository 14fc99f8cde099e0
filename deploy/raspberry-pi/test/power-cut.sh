#!/usr/bin/env bash
# Pulls the plug on a machine that runs the gateway's package as a Pi does: a Debian 12 virtual machine (its own
# kernel, systemd, the .deb installed with its hardened unit, the store on the machine's own disk) is killed with
# SIGKILL, which loses everything the guest had not written to its disk, CYCLES times while readings flow. The cuts
# take turns: at a random moment; aimed by the guest itself (an immediate reset by sysrq, no sync, as soon as it sees
# the file change) at a commit writing the log, at a checkpoint copying the log into the store, and at the first
# commit that writes the log again from its start after a checkpoint emptied it (a WAL reset). The store has no
# VACUUM to aim at. The XMPP server (a Prosody this script starts on the host's 127.0.0.1) is reached through QEMU's user
# network. After every boot, and at the end, it checks what a power cut must never cost:
#   - the service came up by itself, the store passes PRAGMA integrity_check as the cut left it, no store was found
#     damaged, and readings reach the node again;
#   - no sequence number of the thing is used for two readings (a reading's identity is its thing and seqnr);
#   - every reading taken more than the durability window (commit-interval 2 s, plus clock slack) before a cut is on
#     the node once the last boot has emptied the store.
#
# Usage: power-cut.sh TARGET-DIR WORK-DIR [CYCLES]
#   TARGET-DIR  where the build left xmpp-iot-gateway_*_all.deb
#   WORK-DIR    made (and deleted afterwards unless KEEP_VM is set) by this script
# Needs root (debootstrap, chroot) and Debian's package mirror (DEBIAN_MIRROR). KVM is used when /dev/kvm is usable,
# plain emulation otherwise. The guest's root file system is made once and kept in XMPP_IOT_GATEWAY_VM_CACHE
# (default /var/cache/xmpp-iot-gateway-vm). POWERCUT_SYNC=OFF runs the gateway with SQLite's synchronous=OFF (commits
# not flushed), which the checks must catch. POWERCUT_BOOT_LIMIT=S fails a boot (with KVM) whose readings reach the
# subscriber more than S seconds after power-on; without it the time is reported only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../scripts/lib/packages.sh"

target=${1:?usage: power-cut.sh TARGET-DIR WORK-DIR [CYCLES]}
work=${2:?usage: power-cut.sh TARGET-DIR WORK-DIR [CYCLES]}
cycles=${3:-5}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${XMPP_IOT_GATEWAY_VM_CACHE:-/var/cache/xmpp-iot-gateway-vm}
name=xmpp-iot-gateway
debs=("$target"/${name}_*_all.deb)
deb=${debs[0]}
[ -f "$deb" ] || { echo "no package in $target; build it first (mvn package)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "the power-cut harness needs root (debootstrap, chroot): run it as root, as CI does" >&2; exit 1; }
install_missing qemu-system-x86_64:qemu-system-x86 debootstrap:debootstrap mkfs.ext4:e2fsprogs openssl:openssl prosody:prosody
/usr/bin/python3 -c 'import slixmpp' 2>/dev/null || install_packages python3-slixmpp

started=$(date +%s)
log() { echo "[power-cut $(( $(date +%s) - started ))s] $*"; }
qemu_pid= prosody_pid= watcher_pid= srv=
cleanup() {
    for pid in $qemu_pid $watcher_pid $prosody_pid; do kill -9 "$pid" 2>/dev/null || true; done
    umount "$work/root/proc" 2>/dev/null || true
    if [ -z "${KEEP_VM:-}" ]; then rm -rf "$work" "${srv:-}"; fi
}
trap cleanup EXIT
rm -rf "$work"
mkdir -p "$work" "$cache"

# 1. The guest's root file system, made once: Debian 12 with its kernel, systemd, Java and sqlite3 (for the checks).
recipe="bookworm minbase systemd-sysv,linux-image-amd64,openjdk-17-jre-headless,sqlite3,udev,iproute2,procps networkd-dhcp v1"
rootfs="$cache/rootfs-$(echo "$recipe" | sha256sum | cut -c1-12).tar"
if [ ! -f "$rootfs" ]; then
    log "making the guest's root file system (once; kept as $rootfs) ..."
    fresh="$work/fresh"
    debootstrap --variant=minbase --include="$(echo "$recipe" | cut -d' ' -f3)" bookworm "$fresh" "$mirror" \
        > "$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log"; exit 1; }
    echo powercut > "$fresh/etc/hostname"
    echo "/dev/vda / ext4 defaults,errors=remount-ro 0 1" > "$fresh/etc/fstab"
    printf '[Match]\nName=en*\n\n[Network]\nDHCP=yes\n' > "$fresh/etc/systemd/network/10-wired.network"
    ln -sf /lib/systemd/system/systemd-networkd.service "$fresh/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"
    ln -sf /lib/systemd/system/systemd-networkd-wait-online.service \
        "$fresh/etc/systemd/system/network-online.target.wants/systemd-networkd-wait-online.service" 2>/dev/null ||
        { mkdir -p "$fresh/etc/systemd/system/network-online.target.wants" &&
          ln -sf /lib/systemd/system/systemd-networkd-wait-online.service "$fresh/etc/systemd/system/network-online.target.wants/"; }
    tar -cf "$rootfs.part" -C "$fresh" . && mv "$rootfs.part" "$rootfs"
    rm -rf "$fresh"
fi

# 2. The host's XMPP server: Prosody on 127.0.0.1 with a certificate for "localhost" from a CA made here; the guest
#    reaches it as 10.0.2.2 and checks the certificate against that CA.
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Its own directory under /tmp: Prosody runs as its own user, who may not enter the build's directories.
srv=$(mktemp -d /tmp/xmpp-iot-power-cut-prosody.XXXXXX)
mkdir -p "$srv/data"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=power-cut test CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$srv/ca.key" -out "$srv/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost -keyout "$srv/tls.key" -out "$srv/tls.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,DNS:pubsub.localhost\nextendedKeyUsage=serverAuth\n' > "$srv/tls.ext"
openssl x509 -req -in "$srv/tls.csr" -CA "$srv/ca.pem" -CAkey "$srv/ca.key" -CAcreateserial -days 2 -extfile "$srv/tls.ext" \
    -out "$srv/tls.crt" 2>/dev/null
cat > "$srv/prosody.cfg.lua" <<EOF
pidfile = "$srv/prosody.pid"
data_path = "$srv/data"
log = { { levels = { min = "info" }, to = "file", filename = "$srv/prosody.log" } }
interfaces = { "127.0.0.1" }
c2s_ports = { $port }
c2s_direct_tls_ports = { }
s2s_ports = { }
component_ports = { }
http_ports = { }
https_ports = { }
modules_enabled = { "roster", "saslauth", "tls", "disco", "ping", "pep", "smacks" }
modules_disabled = { "s2s" }
c2s_require_encryption = true
authentication = "internal_hashed"
ssl = { certificate = "$srv/tls.crt", key = "$srv/tls.key" }
VirtualHost "localhost"
Component "pubsub.localhost" "pubsub"
    admins = { "gateway@localhost" }
    pubsub_max_items = 1000
EOF
chown -R prosody:prosody "$srv"
setpriv --reuid=prosody --regid=prosody --init-groups prosody -F --config "$srv/prosody.cfg.lua" > "$srv/prosody.out" 2>&1 &
prosody_pid=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
gateway_password=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "Prosody did not start:" >&2; cat "$srv/prosody.out" "$srv/prosody.log" >&2; exit 1; }
prosodyctl --config "$srv/prosody.cfg.lua" register gateway localhost "$gateway_password" >/dev/null
prosodyctl --config "$srv/prosody.cfg.lua" register watcher localhost watcher-password >/dev/null
log "Prosody on 127.0.0.1:$port (PID $prosody_pid)"

# 3. This run's guest: the root file system, the package installed as on a Pi, a configuration for 100 readings a
#    second, two small units that report to the serial console, all made into an ext4 image without mounting it.
root="$work/root"
mkdir -p "$root"
tar -xf "$rootfs" -C "$root"
cp "$deb" "$root/tmp/$name.deb"
mount -t proc proc "$root/proc"
chroot "$root" dpkg -i "/tmp/$name.deb" > "$work/dpkg.log" 2>&1 || { tail -20 "$work/dpkg.log"; exit 1; }
umount "$root/proc"
rm "$root/tmp/$name.deb"
cp "$srv/ca.pem" "$root/etc/$name/ca.pem"
echo "$gateway_password" > "$root/etc/$name/password"
chroot "$root" chown "root:$name" "/etc/$name/password"
chmod 0640 "$root/etc/$name/password"
cat > "$root/etc/$name/gateway.yaml" <<EOF
xmpp:
  jid: gateway@localhost
  password-file: password
  server: 10.0.2.2
  port: $port
  tls: required
  ca-file: ca.pem
  pubsub:
    service: pubsub.localhost
    readings-per-item: 50
access:
  readers: [ watcher@localhost ]
store:
  path: /var/lib/$name/readings.db
  commit-interval: 2s
things:
  - id: tank
    driver: simulated
    interval: 10ms
    fields:
      - { name: level, unit: cm, waveform: sine, min: 0, max: 200, period: 1m, decimals: 1 }
EOF
if [ -n "${POWERCUT_SYNC:-}" ]; then
    mkdir -p "$root/etc/systemd/system/$name.service.d"
    printf '[Service]\nEnvironment=XMPP_IOT_STORE_SYNCHRONOUS=%s\n' "$POWERCUT_SYNC" > "$root/etc/systemd/system/$name.service.d/sync.conf"
fi
# Before the service: the store as the cut left it (checked as the service's user, so no file becomes root's).
cat > "$root/usr/local/sbin/powercut-check" <<'EOF'
#!/bin/sh
db=/var/lib/xmpp-iot-gateway/readings.db
if [ -f "$db" ]; then
    result=$(runuser -u xmpp-iot-gateway -- sqlite3 "$db" 'PRAGMA integrity_check' 2>&1 | tr '\n' ' ')
else
    result="no-store"
fi
echo "POWERCUT-CHECK integrity=${result% } damaged=$(ls /var/lib/xmpp-iot-gateway | grep -c damaged)" > /dev/ttyS0
EOF
cat > "$root/usr/local/sbin/powercut-report" <<'EOF'
#!/bin/sh
for i in $(seq 900); do [ "$(systemctl is-active xmpp-iot-gateway)" = active ] && break; sleep 1; done
echo "POWERCUT-ACTIVE $(systemctl is-active xmpp-iot-gateway)" > /dev/ttyS0
n=0
while true; do
    n=$((n + 1))
    # What the gateway said, for whoever reads this console after a failure.
    [ "$n" -eq 10 ] && journalctl -u xmpp-iot-gateway -n 25 --no-pager -o cat | sed 's/^/POWERCUT-LOG /' > /dev/ttyS0
    sleep 3
    echo "POWERCUT-BACKLOG $(runuser -u xmpp-iot-gateway -- sqlite3 /var/lib/xmpp-iot-gateway/readings.db 'SELECT count(*) FROM outbox' 2>&1)" > /dev/ttyS0
done
EOF
# Cuts the power when the harness asks (it listens on the host for the moment it wants), aimed at what it names. The
# cut is an immediate reset without sync (sysrq b; QEMU runs with -no-reboot, so it ends as after SIGKILL).
cat > "$root/usr/local/sbin/powercut-aim" <<'AIM'
#!/bin/bash
db=/var/lib/xmpp-iot-gateway/readings.db
port=$(sed -n 's/.*powercut.aim_port=\([0-9]*\).*/\1/p' /proc/cmdline)
ref=/run/powercut-aim
cut() {
    local now=${EPOCHREALTIME/./}
    echo "POWERCUT-CUT $((now / 1000)) $aim: $1" > /dev/ttyS0
    echo b > /proc/sysrq-trigger
}
store() { runuser -u xmpp-iot-gateway -- sqlite3 -cmd '.timeout 10000' "$db" "$@"; }
until { read -r aim <&3; } 2>/dev/null 3<>"/dev/tcp/10.0.2.2/$port"; do sleep 0.5; done
touch "$ref"
case "$aim" in
    commit)
        until [ "$db-wal" -nt "$ref" ]; do :; done
        cut "a commit writing the log" ;;
    checkpoint)
        store 'PRAGMA wal_checkpoint(PASSIVE)' > /dev/null &
        until [ "$db" -nt "$ref" ] || ! kill -0 $! 2>/dev/null; do :; done
        if [ "$db" -nt "$ref" ]; then cut "a checkpoint writing the store"; else cut "after a checkpoint that wrote nothing"; fi ;;
    wal-reset)
        store 'PRAGMA wal_checkpoint(TRUNCATE)' > /dev/null
        touch "$ref"
        until [ "$db-wal" -nt "$ref" ]; do :; done
        cut "the first commit writing the emptied log from its start" ;;
esac
AIM
chmod 0755 "$root/usr/local/sbin/powercut-check" "$root/usr/local/sbin/powercut-report" "$root/usr/local/sbin/powercut-aim"
printf '[Unit]\nBefore=%s.service\n[Service]\nType=oneshot\nExecStart=/usr/local/sbin/powercut-check\n[Install]\nWantedBy=multi-user.target\n' \
    "$name" > "$root/etc/systemd/system/powercut-check.service"
printf '[Unit]\nAfter=%s.service\n[Service]\nExecStart=/usr/local/sbin/powercut-report\n[Install]\nWantedBy=multi-user.target\n' \
    "$name" > "$root/etc/systemd/system/powercut-report.service"
printf '[Unit]\nAfter=%s.service\n[Service]\nExecStart=/usr/local/sbin/powercut-aim\n[Install]\nWantedBy=multi-user.target\n' \
    "$name" > "$root/etc/systemd/system/powercut-aim.service"
for unit in check report aim; do ln -sf "/etc/systemd/system/powercut-$unit.service" "$root/etc/systemd/system/multi-user.target.wants/"; done
cp "$root"/boot/vmlinuz-* "$work/vmlinuz"
cp "$root"/boot/initrd.img-* "$work/initrd.img"
mkfs.ext4 -q -F -L root -d "$root" "$work/disk.raw" 3G
rm -rf "$root"
log "guest image made ($(du -h "$work/disk.raw" | cut -f1) used)"

# 4. A subscriber on the host that keeps every item the node gets, across all boots.
/usr/bin/python3 "$here/power_cut_watch.py" watch 127.0.0.1 "$port" "$srv/ca.pem" "$work/items.txt" > "$work/watch.log" 2>&1 &
watcher_pid=$!

aim_port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
accel=tcg
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then accel=kvm; fi
boot() { # boot N: starts the guest; its serial console goes to console-N.log
    : > "$work/console-$1.log"
    qemu-system-x86_64 -accel "$accel" -m 1024 -smp 2 -display none -monitor none -no-reboot \
        -kernel "$work/vmlinuz" -initrd "$work/initrd.img" \
        -append "root=/dev/vda rw console=ttyS0 quiet systemd.show_status=0 powercut.aim_port=$aim_port" \
        -drive "file=$work/disk.raw,format=raw,if=virtio,cache=writethrough" \
        -netdev user,id=net0 -device virtio-net-pci,netdev=net0 \
        -serial "file:$work/console-$1.log" > "$work/qemu-$1.log" 2>&1 &
    qemu_pid=$!
}
wait_for() { # wait_for FILE PATTERN SECONDS: the first line of FILE matching PATTERN
    local deadline=$(( $(date +%s) + $3 ))
    while [ "$(date +%s)" -lt "$deadline" ]; do
        if grep -a -m1 "$2" "$1" 2>/dev/null; then return 0; fi
        kill -0 "$qemu_pid" 2>/dev/null || { echo "the guest stopped" >&2; return 1; }
        sleep 1
    done
    echo "no '$2' in $1 within $3 s" >&2
    return 1
}
items() { { wc -l < "$work/items.txt"; } 2>/dev/null || echo 0; }
aims=(random commit checkpoint wal-reset)
boot_limit=${POWERCUT_BOOT_LIMIT:-}
aim_at() { # aim_at WHAT: the guest cuts its own power at WHAT; the time of the cut (the guest's clock) goes to cuts.txt
    /usr/bin/python3 -c 'import socket, sys
s = socket.create_server(("127.0.0.1", int(sys.argv[1])))
c, _ = s.accept()
c.sendall(sys.argv[2].encode() + b"\n")
c.close()' "$aim_port" "$1" &
    local listener=$! deadline=$(( $(date +%s) + 180 ))
    while kill -0 "$qemu_pid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
    kill -9 "$qemu_pid" "$listener" 2>/dev/null || true
    wait "$qemu_pid" "$listener" 2>/dev/null || true
    local at
    at=$(sed -n 's/^POWERCUT-CUT \([0-9]*\) .*/\1/p' "$work/console-$cycle.log" | head -1)
    if [ -n "$at" ]; then
        echo "$at" >> "$work/cuts.txt"
    else
        date +%s%3N >> "$work/cuts.txt"
        fail "boot $cycle: the guest did not cut its power at $1 within 180 s"
    fi
}
failures=0
fail() { echo "FAIL  $*"; failures=$((failures + 1)); }

# 5. The cycles: boot, check, wait for readings to flow, pull the plug at a random moment.
: > "$work/cuts.txt"
for cycle in $(seq 1 "$cycles"); do
    boot "$cycle"
    booted=$(date +%s)
    before=$(items)
    check=$(wait_for "$work/console-$cycle.log" POWERCUT-CHECK 900) || { tail -30 "$work/console-$cycle.log"; exit 1; }
    case "$check" in
        *"integrity=ok damaged=0"* | *"integrity=no-store damaged=0"*) ;;
        *) fail "boot $cycle: the store as the cut left it: $check" ;;
    esac
    wait_for "$work/console-$cycle.log" "POWERCUT-ACTIVE active" 900 >/dev/null || { fail "boot $cycle: the service did not come up"; break; }
    deadline=$(( $(date +%s) + 600 ))
    while [ "$(items)" -le "$before" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
    flowing=$(date +%s)
    while [ "$(items)" -lt $((before + 200)) ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 1; done
    [ "$(items)" -ge $((before + 200)) ] || { fail "boot $cycle: no readings reached the node"; tail -20 "$work/watch.log"; }
    # A subscriber sees readings again within BOOT_LIMIT s of power-on (scripts/power-cut.sh: 30) on a machine with KVM;
    # emulation boots several times slower, and `mvn verify` does not judge by a machine's speed: there it is reported.
    if [ "$accel" = kvm ] && [ -n "$boot_limit" ] && [ $((flowing - booted)) -gt "$boot_limit" ]; then
        fail "boot $cycle: readings reached the subscriber $((flowing - booted)) s after power-on (more than $boot_limit s)"
    fi
    # The server falls silent (SIGSTOP) for a while before the cut, as a link does: readings then pile up in the
    # store, unpublished, and only what the store made durable can reach the node after the cut. (While the
    # server answers, every reading is published within moments, committed or not, and a store that did not
    # flush its commits would go unnoticed.)
    kill -STOP "$prosody_pid"
    sleep "$(( 15 + RANDOM % 10 )).$(( RANDOM % 10 ))"
    aim=${aims[$(( (cycle - 1) % ${#aims[@]} ))]}
    if [ "$aim" = random ]; then
        kill -9 "$qemu_pid"
        wait "$qemu_pid" 2>/dev/null || true
        date +%s%3N >> "$work/cuts.txt"
        how="plug pulled at a random moment"
    else
        aim_at "$aim"
        how=$(sed -n 's/^POWERCUT-CUT [0-9]* //p' "$work/console-$cycle.log" | tr -d '\r')
        how=${how:-"no aimed cut: plug pulled"}
    fi
    kill -CONT "$prosody_pid"
    log "cycle $cycle: power-on to readings at the subscriber in $((flowing - booted)) s ($accel); $(($(items) - before)) items this boot; server silent; $how"
done

# 6. A last boot empties the store onto the node; then every reading is checked.
final=$((cycles + 1))
boot "$final"
wait_for "$work/console-$final.log" "POWERCUT-ACTIVE active" 900 >/dev/null || fail "last boot: the service did not come up"
before=$(items)
deadline=$(( $(date +%s) + 600 ))
while [ "$(items)" -lt $((before + 200)) ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 1; done
: > "$work/console-$final.log.seen"
# An empty outbox from now on: what the store kept from before the cuts is on the node.
tail -n 0 -f "$work/console-$final.log" > "$work/console-$final.log.seen" &
follower=$!
wait_for "$work/console-$final.log.seen" "POWERCUT-BACKLOG 0[[:space:]]*$" 900 >/dev/null || fail "last boot: the store was not emptied"
kill "$follower" 2>/dev/null || true
kill -9 "$qemu_pid"; wait "$qemu_pid" 2>/dev/null || true
sleep 2
/usr/bin/python3 "$here/power_cut_watch.py" check "$work/items.txt" "$work/cuts.txt" || failures=$((failures + 1))
log "$cycles cycles, $(items) items, $failures failure(s), $((($(date +%s) - started) / 60)) min, accelerator $accel${POWERCUT_SYNC:+, synchronous=$POWERCUT_SYNC}"
[ "$failures" -eq 0 ]
