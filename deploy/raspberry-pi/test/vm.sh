# The virtual machine the whole-system tests share (sourced by power-cut.sh and update.sh): a Debian 12 guest with its
# own kernel and systemd, the package installed as on a Pi, an XMPP server (Prosody) on the host's 127.0.0.1 that the
# guest reaches through QEMU's user network as 10.0.2.2, and helpers to boot the guest and read its serial console.
# The caller sets: name, work (this run's directory), cache (kept between runs), mirror, and defines log().

# The guest's root file system, made once and kept in $cache: Debian 12 with its kernel, systemd, Java and sqlite3.
# Sets rootfs.
vm_rootfs() {
    local recipe="bookworm minbase systemd-sysv,linux-image-amd64,openjdk-17-jre-headless,sqlite3,udev,iproute2,procps networkd-dhcp v1"
    rootfs="$cache/rootfs-$(echo "$recipe" | sha256sum | cut -c1-12).tar"
    [ -f "$rootfs" ] && return 0
    log "making the guest's root file system (once; kept as $rootfs) ..."
    local fresh="$work/fresh"
    debootstrap --variant=minbase --include="$(echo "$recipe" | cut -d' ' -f3)" bookworm "$fresh" "$mirror" \
        > "$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log"; exit 1; }
    echo powercut > "$fresh/etc/hostname"
    echo "/dev/vda / ext4 defaults,errors=remount-ro 0 1" > "$fresh/etc/fstab"
    printf '[Match]\nName=en*\n\n[Network]\nDHCP=yes\n' > "$fresh/etc/systemd/network/10-wired.network"
    ln -sf /lib/systemd/system/systemd-networkd.service "$fresh/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"
    mkdir -p "$fresh/etc/systemd/system/network-online.target.wants"
    ln -sf /lib/systemd/system/systemd-networkd-wait-online.service "$fresh/etc/systemd/system/network-online.target.wants/"
    tar -cf "$rootfs.part" -C "$fresh" . && mv "$rootfs.part" "$rootfs"
    rm -rf "$fresh"
}

# vm_prosody USER:PASSWORD...: Prosody on a free port of 127.0.0.1 with a certificate for "localhost" from a CA made
# here, the account gateway (random password) and the ones named. Sets port, srv, prosody_pid, gateway_password.
vm_prosody() {
    port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # Its own directory under /tmp: Prosody runs as its own user, who may not enter the build's directories.
    srv=$(mktemp -d /tmp/xmpp-iot-vm-prosody.XXXXXX)
    mkdir -p "$srv/data"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=VM test CA" \
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
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "Prosody did not start:" >&2; cat "$srv/prosody.out" "$srv/prosody.log" >&2; exit 1; }
    gateway_password=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
    prosodyctl --config "$srv/prosody.cfg.lua" register gateway localhost "$gateway_password" >/dev/null
    local account
    for account in "$@"; do
        prosodyctl --config "$srv/prosody.cfg.lua" register "${account%%:*}" localhost "${account#*:}" >/dev/null
    done
    log "Prosody on 127.0.0.1:$port (PID $prosody_pid)"
}

# vm_guest_root DEB ACCESS-YAML: this run's guest in $work/root: the root file system with DEB installed as on a Pi,
# the CA, the gateway's password, and a configuration for 100 readings a second of the thing "tank" with ACCESS-YAML
# (the access section's lines). Sets root.
vm_guest_root() {
    root="$work/root"
    mkdir -p "$root"
    tar -xf "$rootfs" -C "$root"
    cp "$1" "$root/tmp/$name.deb"
    mount -t proc proc "$root/proc"
    chroot "$root" dpkg -i "/tmp/$name.deb" > "$work/dpkg.log" 2>&1 || { umount "$root/proc"; tail -20 "$work/dpkg.log"; exit 1; }
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
$2
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
    # The guest's power cut: an immediate reset without sync (sysrq b; QEMU runs with -no-reboot). What it says first
    # goes through the kernel's log, whose serial console has written it out when the write returns: a line written to
    # /dev/ttyS0 itself may still wait in the tty's buffer when the reset comes, and be lost.
    cat > "$root/usr/local/sbin/vm-cut-power" <<'EOF'
#!/bin/bash
echo "<2>$*" > /dev/kmsg
echo b > /proc/sysrq-trigger
EOF
    chmod 0755 "$root/usr/local/sbin/vm-cut-power"
}

# vm_said WORD FILE: what the guest's console log FILE says from WORD on, in each line where WORD stands: after the kernel
# log's time stamp, or after part of a line the tty was still sending when the kernel's console wrote its own.
vm_said() {
    sed -n "s/.*\($1 .*\)/\1/p" "$2" | tr -d '\r'
}

# vm_unit NAME AFTER|BEFORE COMMAND: a small unit of the guest, started at boot around the gateway's service.
vm_unit() {
    printf '[Unit]\n%s=%s.service\n[Service]\nExecStart=%s\n[Install]\nWantedBy=multi-user.target\n' "$2" "$name" "$3" \
        > "$root/etc/systemd/system/$1.service"
    ln -sf "/etc/systemd/system/$1.service" "$root/etc/systemd/system/multi-user.target.wants/"
}

# The guest's kernel and its disk, an ext4 image made from $root without mounting it.
vm_image() {
    cp "$root"/boot/vmlinuz-* "$work/vmlinuz"
    cp "$root"/boot/initrd.img-* "$work/initrd.img"
    mkfs.ext4 -q -F -L root -d "$root" "$work/disk.raw" 3G
    rm -rf "$root"
    log "guest image made ($(du -h "$work/disk.raw" | cut -f1) used)"
    vm_pick_accel
}

# KVM where it works, plain emulation (TCG) elsewhere. Some hosts offer a /dev/kvm (nested virtualisation) under which a
# guest kernel never starts: seen with QEMU's default CPU model hanging before its first console line, and -cpu host
# aborting on an MSR. So the guest's kernel is started once under KVM without a root file system: where KVM works it
# panics within seconds ("VFS: Unable to mount root fs") and QEMU exits (panic=-1 reboots, -no-reboot ends). Sets accel.
accel=tcg
vm_pick_accel() {
    accel=tcg
    if ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then
        log "no usable /dev/kvm: plain emulation (TCG)"
        return 0
    fi
    local probe="$work/kvm-probe.log"
    : > "$probe"
    timeout 60 qemu-system-x86_64 -accel kvm -m 256 -smp 1 -display none -monitor none -no-reboot \
        -kernel "$work/vmlinuz" -append "console=ttyS0 panic=-1" -serial "file:$probe" > "$work/kvm-probe-qemu.log" 2>&1 || true
    if grep -a -q "Kernel panic" "$probe"; then
        accel=kvm
        log "KVM works: the guest runs under it"
    else
        log "KVM is offered but a guest kernel does not start under it ($(grep -a -v '^$' "$work/kvm-probe-qemu.log" | tail -n 1 | cut -c1-160)); plain emulation (TCG)"
    fi
}

# vm_aim_server: the server a guest asks, every half second from boot on, what to aim its power cut at; it answers with
# what vm_aim left (once) or closes at once. It holds its port for the whole run: a port found free and bound again at
# the moment of a cut could meanwhile be another program's. Sets aim_port and aim_server_pid (for the caller's cleanup).
vm_aim_server() {
    : > "$work/aim"
    rm -f "$work/aim.port"
    cat > "$work/aim-server.py" <<'PY'
import os, socket, sys
aim_file, port_file = sys.argv[1], sys.argv[2]
s = socket.create_server(("127.0.0.1", 0))
with open(port_file + ".part", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(port_file + ".part", port_file)
while True:
    c, _ = s.accept()
    with open(aim_file, "r+") as f:
        aim = f.read().strip()
        f.seek(0)
        f.truncate()
    if aim:
        c.sendall(aim.encode() + b"\n")
    c.close()
PY
    /usr/bin/python3 "$work/aim-server.py" "$work/aim" "$work/aim.port" > "$work/aim.log" 2>&1 &
    aim_server_pid=$!
    for _ in $(seq 300); do [ -s "$work/aim.port" ] && break; sleep 0.1; done
    aim_port=$(cat "$work/aim.port" 2>/dev/null) || { echo "the aim server did not start: $(cat "$work/aim.log")" >&2; exit 1; }
}

# vm_aim WHAT: the guest's next question gets WHAT; "vm_aim ''" takes back an aim the guest did not ask for.
vm_aim() {
    echo "$1" > "$work/aim"
}

# vm_boot N [KERNEL-ARGS]: starts the guest; its serial console goes to console-N.log. Sets qemu_pid.
vm_boot() {
    : > "$work/console-$1.log"
    date +%s > "$work/booted-$1" # The power-on time, also of a boot started in a subshell.
    qemu-system-x86_64 -accel "$accel" -m 1024 -smp 2 -display none -monitor none -no-reboot \
        -kernel "$work/vmlinuz" -initrd "$work/initrd.img" \
        -append "root=/dev/vda rw console=ttyS0 quiet systemd.show_status=0 ${2:-}" \
        -drive "file=$work/disk.raw,format=raw,if=virtio,cache=writethrough" \
        -netdev user,id=net0 -device virtio-net-pci,netdev=net0 \
        -serial "file:$work/console-$1.log" > "$work/qemu-$1.log" 2>&1 &
    qemu_pid=$!
}

# wait_for FILE PATTERN SECONDS [hung]: prints the first line of FILE matching PATTERN; fails when the time is up or the
# guest stopped. With "hung", fails with status 2 as soon as the guest's kernel says it has hung (VM_KERNEL_HUNG).
wait_for() {
    local deadline=$(( $(date +%s) + $3 ))
    while [ "$(date +%s)" -lt "$deadline" ]; do
        if grep -a -m1 "$2" "$1" 2>/dev/null; then return 0; fi
        kill -0 "$qemu_pid" 2>/dev/null || { echo "the guest stopped" >&2; return 1; }
        if [ "${4:-}" = hung ] && grep -a -q -E "$VM_KERNEL_HUNG" "$1" 2>/dev/null; then
            echo "the guest's kernel hung: $(grep -a -m1 -E "$VM_KERNEL_HUNG" "$1" | tr -d '\r')" >&2
            return 2
        fi
        sleep 1
    done
    echo "no '$2' in $1 within $3 s" >&2
    return 1
}

# A guest kernel stuck for minutes on both CPUs while booting (soft lockups of systemd and udev, RCU stalls): seen under
# emulation (TCG) once in some dozens of boots, before anything of the gateway runs; a real machine would be powered off
# and on again, and so is the guest.
VM_KERNEL_HUNG='soft lockup - CPU#[0-9]+ stuck for [0-9]{3,}s'

# vm_boot_until N PATTERN SECONDS [KERNEL-ARGS]: boots guest N (vm_boot) and sets vm_line to the first console line
# matching PATTERN; a boot whose kernel hangs first is cut and done again, twice at most (its console kept as
# console-N-hung-K.log). Not to be called in a subshell: it sets qemu_pid.
vm_boot_until() {
    local attempt status
    vm_line=
    for attempt in 1 2 3; do
        vm_boot "$1" "${4:-}"
        status=0
        vm_line=$(wait_for "$work/console-$1.log" "$2" "$3" hung) || status=$?
        if [ "$status" -eq 0 ]; then
            return 0
        fi
        if [ "$status" -ne 2 ] || [ "$attempt" -eq 3 ]; then
            return 1
        fi
        kill -9 "$qemu_pid" 2>/dev/null || true
        wait "$qemu_pid" 2>/dev/null || true
        cp "$work/console-$1.log" "$work/console-$1-hung-$attempt.log"
        echo "boot $1: the guest's kernel hung while booting; powered off and on again" >&2
    done
}

# vm_check_when_empty N PATTERN: once guest N's console shows PATTERN (an empty store) from now on, stops the guest and
# checks every item the subscriber got against the cuts in cuts.txt (power_cut_watch.py); counts failures.
vm_check_when_empty() {
    local seen="$work/console-$1.seen" follower
    : > "$seen"
    tail -n 0 -f "$work/console-$1.log" > "$seen" &
    follower=$!
    wait_for "$seen" "$2" 900 >/dev/null || fail "boot $1: the store was not emptied"
    kill "$follower" 2>/dev/null || true
    kill -9 "$qemu_pid"; wait "$qemu_pid" 2>/dev/null || true
    sleep 2
    /usr/bin/python3 "$here/power_cut_watch.py" check "$work/items.txt" "$work/cuts.txt" || failures=$((failures + 1))
}
