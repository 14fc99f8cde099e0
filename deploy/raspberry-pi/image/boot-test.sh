#!/usr/bin/env bash
# Boots an image made by build-image.sh in an emulated arm64 machine (qemu-system-aarch64 -M virt, the image's own
# kernel and initrd) and checks the way a user meets it: a configuration, password and CA put on the boot
# partition are imported at boot, the hardened service starts, connects over TLS to a Prosody on this machine and
# publishes readings that a watcher here receives. Not a Raspberry Pi, but the same kernel, userland and units.
#
# Usage: boot-test.sh [IMAGE] [JAR]
#   IMAGE  default ../target/image/xmpp-iot-gateway-arm64.img (left unchanged: the test boots a copy)
#   JAR    the gateway's jar for the watcher, default ../../../gateway/target/xmpp-iot-gateway.jar
# Needs root (Prosody runs as its own user). Installs qemu-system-arm, mtools, prosody and openssl when missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../scripts/lib/packages.sh"
image=${1:-$here/../target/image/xmpp-iot-gateway-arm64.img}
jar=${2:-$here/../../../gateway/target/xmpp-iot-gateway.jar}
[ -f "$image" ] || { echo "no image at $image: run build-image.sh first" >&2; exit 2; }
[ -f "$jar" ] || { echo "no gateway jar at $jar: run mvn -B -DskipTests package first" >&2; exit 2; }
install_missing qemu-system-aarch64:qemu-system-arm mcopy:mtools prosody:prosody openssl:openssl debugfs:e2fsprogs

work=$(mktemp -d /tmp/xmpp-iot-gateway-boot.XXXXXX)
chmod 0755 "$work" # Prosody runs as its own user and reads its configuration here.
qemu_pid=
prosody_pid=
cleanup() {
    [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null || true
    [ -n "$prosody_pid" ] && kill "$prosody_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
log() { echo "boot-test: $*" >&2; }

# A Prosody with STARTTLS on 127.0.0.1, which the guest reaches as 10.0.2.2 through qemu's user network.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/prosody/data" "$work/prosody/certs"
openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj /CN=localhost -addext subjectAltName=DNS:localhost \
    -keyout "$work/prosody/tls.key" -out "$work/prosody/tls.crt" 2>/dev/null
cat > "$work/prosody/prosody.cfg.lua" <<EOF
pidfile = "$work/prosody/prosody.pid"
data_path = "$work/prosody/data"
log = { { levels = { min = "info" }, to = "file", filename = "$work/prosody/prosody.log" } }
interfaces = { "127.0.0.1" }
c2s_ports = { $port }
c2s_direct_tls_ports = { }
s2s_ports = { }
component_ports = { }
http_ports = { }
https_ports = { }
modules_enabled = { "roster", "saslauth", "disco", "ping", "pep", "version", "time", "tls" }
modules_disabled = { "s2s" }
c2s_require_encryption = true
authentication = "internal_hashed"
ssl = { certificate = "$work/prosody/tls.crt", key = "$work/prosody/tls.key" }
VirtualHost "localhost"
Component "pubsub.localhost" "pubsub"
    admins = { "gateway@localhost" }
EOF
chown -R prosody:prosody "$work/prosody"
prosodyctl_() { runuser -u prosody -- prosodyctl --config "$work/prosody/prosody.cfg.lua" "$@"; }
prosodyctl_ register gateway localhost gateway-secret
prosodyctl_ register watcher localhost watcher-secret
runuser -u prosody -- prosody --config "$work/prosody/prosody.cfg.lua" -F > "$work/prosody.out" 2>&1 &
prosody_pid=$!

# The user's part: three files on the boot partition (Windows line endings in the password, as Notepad writes).
cp --sparse=always "$image" "$work/test.img"
truncate -s +1G "$work/test.img"
cat > "$work/gateway.yaml" <<EOF
xmpp:
  jid: gateway@localhost
  password-file: password
  server: 10.0.2.2
  port: $port
  tls: required
  ca-file: ca.pem
access:
  readers: [ watcher@localhost ]
things:
  - { id: greenhouse, driver: simulated, interval: 2s, fields: [ { name: temperature, unit: "°C", min: 16, max: 28 } ] }
EOF
printf 'gateway-secret\r\n' > "$work/gateway.password"
mcopy -i "$work/test.img@@4M" "$work/gateway.yaml" ::/xmpp-iot-gateway.yaml
mcopy -i "$work/test.img@@4M" "$work/gateway.password" ::/xmpp-iot-gateway.password
mcopy -i "$work/test.img@@4M" "$work/prosody/tls.crt" ::/xmpp-iot-gateway-ca.pem

# The kernel and initrd the image boots (qemu's virt machine has no Raspberry Pi boot firmware).
mcopy -i "$work/test.img@@4M" "::/$(mdir -b -i "$work/test.img@@4M" :: | grep -o 'vmlinuz-[^ ]*' | head -1)" "$work/vmlinuz"
mcopy -i "$work/test.img@@4M" "::/$(mdir -b -i "$work/test.img@@4M" :: | grep -o 'initrd.img-[^ ]*' | head -1)" "$work/initrd"

log "booting $(basename "$image") in qemu-system-aarch64 (emulated; takes a minute or two)"
qemu-system-aarch64 -M virt -cpu cortex-a53 -smp 2 -m 1024 -nographic -kernel "$work/vmlinuz" -initrd "$work/initrd" \
    -append "root=LABEL=RASPIROOT rw rootwait console=ttyAMA0 net.ifnames=0 systemd.journald.forward_to_console=1" \
    -drive "file=$work/test.img,format=raw,if=none,id=d0" -device virtio-blk-pci,drive=d0 \
    -netdev user,id=n0 -device virtio-net-pci,netdev=n0 > "$work/console.log" 2>&1 &
qemu_pid=$!

cat > "$work/watcher.yaml" <<EOF
xmpp: { jid: watcher@localhost, password-file: watcher.password, server: 127.0.0.1, port: $port, tls: required, ca-file: prosody/tls.crt }
EOF
echo watcher-secret > "$work/watcher.password"
# The node appears once the gateway in the guest has connected; until then the watcher is refused and tries again.
readings=
deadline=$((SECONDS + 600))
while [ $SECONDS -lt $deadline ] && kill -0 "$qemu_pid" 2>/dev/null; do
    if readings=$(java -jar "$jar" watch -c "$work/watcher.yaml" --no-status --count 3 --timeout 30 gateway/greenhouse 2>/dev/null); then
        break
    fi
    readings=
    sleep 10
done

failures=0
expect() { # expect DESCRIPTION PATTERN: a line of the guest's journal
    if grep -aqE "$2" "$work/console.log"; then echo "ok    $1"; else echo "FAIL  $1"; failures=$((failures + 1)); fi
}
expect "the root file system grew to the card" "first-boot.*grew /dev/vda2 to the whole card"
expect "this card made its own SSH host keys" "first-boot.*made this card's SSH host keys"
expect "the configuration was imported from the boot partition" "xmpp-iot-gateway-import.*imported: the gateway starts with the new configuration"
expect "the service started" "Started xmpp-iot-gateway.service"
expect "the gateway connected with TLS" "XmppUplink - xmpp connected jid=gateway@localhost/gateway .* tls=on"
if [ "$(wc -l <<< "$readings")" -eq 3 ] && grep -q "greenhouse temperature=" <<< "$readings"; then
    echo "ok    a watcher here received readings from the gateway in the guest:"
    sed 's/^/        /' <<< "$readings"
else
    echo "FAIL  no readings reached the watcher"
    failures=$((failures + 1))
fi
if [ "$failures" -gt 0 ]; then
    echo "the guest's console:" >&2
    grep -a -E 'xmpp-iot|first-boot|Failed|error' "$work/console.log" | tail -40 >&2
    exit 1
fi
echo "all checks passed"
