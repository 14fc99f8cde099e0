#!/usr/bin/env bash
# Installs the built package into a fresh Debian 12 root file system and checks what a user relies on: the
# signed apt repository (apt-repo.sh) apt installs from, and the ones it refuses (another key, an index changed after
# signing), the service user and its groups, a password file only that user can read, the conffiles, check-config as the
# service user, native libraries unpacked into the service's own directory, the systemd units accepted by
# systemd-analyze, the import of a configuration from the boot partition (valid and invalid), and that
# remove keeps the data while purge leaves nothing behind.
#
# Usage: install-in-chroot.sh TARGET-DIR CHROOT-DIR
#   TARGET-DIR  where the build left xmpp-iot-gateway_*_all.deb
#   CHROOT-DIR  made (and deleted afterwards) by this script
# Needs root (chroot, debootstrap) and Debian's package mirror (DEBIAN_MIRROR, default deb.debian.org).
# XMPP_IOT_GATEWAY_CHROOT_CACHE=FILE.tar keeps the bare root file system between runs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../scripts/lib/packages.sh"

target=${1:?usage: install-in-chroot.sh TARGET-DIR CHROOT-DIR}
root=${2:?usage: install-in-chroot.sh TARGET-DIR CHROOT-DIR}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
name=xmpp-iot-gateway
debs=("$target"/${name}_*_all.deb)
deb=${debs[0]}
[ -f "$deb" ] || { echo "no package in $target; build it first (mvn package)" >&2; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then
        exec sudo --preserve-env=DEBIAN_MIRROR,XMPP_IOT_GATEWAY_CHROOT_CACHE,KEEP_CHROOT bash "$0" "$@"
    fi
    echo "this test needs root for debootstrap and chroot: run it as root (CI does) or install sudo" >&2
    exit 1
fi
install_missing debootstrap:debootstrap gpg:gnupg

failures=0
pass() { echo "ok    $*"; }
fail() { echo "FAIL  $*"; failures=$((failures + 1)); }
check() { # check DESCRIPTION COMMAND...: passes when the command succeeds
    local what=$1; shift
    if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi
}
equal() { # equal DESCRIPTION EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi
}
in_root() { chroot "$root" "$@"; }

keys=$(mktemp -d /tmp/xmpp-iot-apt-keys.XXXXXX)
cleanup() {
    for home in "$keys"/*/; do GNUPGHOME=$home gpgconf --kill gpg-agent 2>/dev/null || true; done
    rm -rf "$keys"
    umount "$root/dev/pts" "$root/proc" 2>/dev/null || true
    if [ -z "${KEEP_CHROOT:-}" ]; then rm -rf "$root"; fi
}
trap cleanup EXIT

# 1. A bare Debian 12.
rm -rf "$root"
mkdir -p "$root"
cache=${XMPP_IOT_GATEWAY_CHROOT_CACHE:-}
if [ -n "$cache" ] && [ -f "$cache" ]; then
    tar -xf "$cache" -C "$root"
else
    echo "debootstrap bookworm from $mirror ..."
    debootstrap --variant=minbase bookworm "$root" "$mirror" > "$root.debootstrap.log" 2>&1 ||
        { tail -20 "$root.debootstrap.log"; exit 1; }
    if [ -n "$cache" ]; then tar -cf "$cache" -C "$root" .; fi
fi
mount -t proc proc "$root/proc"
mount -t devpts devpts "$root/dev/pts"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# Raspberry Pi OS has a gpio group and Debian has not: make one so that joining it "where it exists" is tested.
in_root groupadd --system gpio
in_root groupadd --system bluetooth  # made by the bluez package, which minbase lacks

# 2. Install with apt from a signed repository made by apt-repo.sh, as a Pi gets its updates; apt also fetches the
#    Java runtime the package depends on. systemd first, as on a real system: its tools check the units below, and
#    the maintainer scripts enable the service through it.
signing_key() { # signing_key NAME: a throwaway signing key in its own keyring, $keys/NAME
    mkdir -m 0700 "$keys/$1"
    GNUPGHOME="$keys/$1" gpg --batch --passphrase '' --quick-gen-key "$1 <$1@test.invalid>" ed25519 sign 1d 2>/dev/null
}
signing_key releases
signing_key someone-else
GNUPGHOME="$keys/releases" bash "$here/../apt-repo.sh" --key releases@test.invalid "$root/srv/apt" "$deb"
install -m 0644 "$root/srv/apt/$name-archive-keyring.gpg" "$root/usr/share/keyrings/"
sources() { # sources REPO: the only source of the gateway's packages, checked against the release key
    echo "deb [signed-by=/usr/share/keyrings/$name-archive-keyring.gpg] file:/srv/$1 ./" > "$root/etc/apt/sources.list.d/$name.list"
}
# A copy signed by another key, and a copy whose index was changed after signing: apt takes neither.
GNUPGHOME="$keys/someone-else" bash "$here/../apt-repo.sh" --key someone-else@test.invalid "$root/srv/apt-other" "$deb" >/dev/null
cp -r "$root/srv/apt" "$root/srv/apt-changed"
sed -i 's/^Description: .*/Description: something else/' "$root/srv/apt-changed/Packages"
ours_only=(-o "Dir::Etc::sourcelist=sources.list.d/$name.list" -o Dir::Etc::sourceparts=-)
sources apt-other
if out=$(in_root apt-get update "${ours_only[@]}" 2>&1) && ! grep -q "NO_PUBKEY\|not signed" <<< "$out"; then
    fail "apt took a repository signed by another key: $out"
else
    check "apt refuses a repository signed by another key" grep -q "NO_PUBKEY\|not signed" <<< "$out"
fi
sources apt-changed
if out=$(in_root apt-get update "${ours_only[@]}" 2>&1) && ! grep -q "Hash Sum mismatch\|unexpected size" <<< "$out"; then
    fail "apt took an index changed after signing: $out"
else
    check "apt refuses an index changed after signing" grep -q "Hash Sum mismatch\|unexpected size" <<< "$out"
fi
rm -rf "$root/srv/apt-other" "$root/srv/apt-changed"
sources apt
echo "apt-get install $name from the signed repository ..."
in_root apt-get update -qq
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd > "$root.install.log" 2>&1 ||
    { tail -30 "$root.install.log"; exit 1; }
if ! in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$name" >> "$root.install.log" 2>&1; then
    tail -30 "$root.install.log"; exit 1
fi
equal "installed from the signed repository" "file:/srv/apt ./ Packages" \
    "$(in_root apt-cache policy "$name" | sed -n 's/^ *[0-9]* \(file:[^ ]* [^ ]* Packages\)$/\1/p' | head -1)"
grep "$name:" "$root.install.log" || true
equal "package installed" "install ok installed" "$(in_root dpkg-query -W -f='${Status}' $name)"
conffiles=$(in_root dpkg-query -W -f='${Conffiles}' $name)
check "gateway.yaml is a conffile" grep -q "/etc/$name/gateway.yaml" <<< "$conffiles"
check "/etc/default/$name is a conffile" grep -q "/etc/default/$name" <<< "$conffiles"

# 3. The service user, its groups and what it owns.
equal "system user with no login shell" "/var/lib/$name:/usr/sbin/nologin" "$(in_root getent passwd $name | cut -d: -f6,7)"
groups=$(in_root id -nG $name)
check "user is in dialout" grep -qw dialout <<< "$groups"
check "user is in gpio (it exists here)" grep -qw gpio <<< "$groups"
check "user is in bluetooth (it exists here)" grep -qw bluetooth <<< "$groups"
check "no i2c group was invented" bash -c "! chroot '$root' getent group i2c"
equal "password file mode and owner" "640 root $name" "$(in_root stat -c '%a %U %G' /etc/$name/password)"
check "password file is not empty" test -s "$root/etc/$name/password"
check "the service user can read the password" in_root runuser -u $name -- cat /etc/$name/password
check "other users cannot read the password" bash -c "! chroot '$root' runuser -u nobody -- cat /etc/$name/password"
equal "configuration directory is the service's to write" "770 root $name" "$(in_root stat -c '%a %U %G' /etc/$name)"
equal "state directory" "750 $name $name" "$(in_root stat -c '%a %U %G' /var/lib/$name)"
equal "the directory it shares with the update helper" "750 $name $name" "$(in_root stat -c '%a %U %G' /var/lib/$name/update)"
equal "the update helper, root's to run" "755 root" "$(in_root stat -c '%a %U' /usr/lib/$name/update)"
check "the update helper's units are enabled" test -L "$root/etc/systemd/system/paths.target.wants/$name-update.path" -a \
    -L "$root/etc/systemd/system/multi-user.target.wants/$name-update.service"
check "class-data archive written at installation" test -s "$root/var/cache/$name/classes.jsa"
# Made from the class list the package ships: the classes of a running gateway (the publisher among them), not only
# those the command line loads, and mapped by every start.
check "the archive holds a running gateway's classes" bash -c "chroot '$root' env GATEWAY_JAVA_OPTS=-XX:+PrintSharedArchiveAndExit \
    $name | grep -q 'org.xmppiot.gateway.pubsub.PubSubPublisher app_loader'"

# 4. The command line, as the service user, with the shipped configuration.
if out=$(in_root runuser -u $name -- $name check-config 2>&1); then
    pass "check-config as the service user: $(head -1 <<< "$out")"
else
    fail "check-config as the service user: $out"
fi
check "check-config warns that the account is still the example" grep -q "example" <<< "$out"
equal "version" "$name $(in_root dpkg-query -W -f='${Version}' $name | sed 's/~/-/')" "$(in_root $name --version 2>&1)"
# jSerialComm unpacks its native library on first use: with the service's options it lands in its own directory.
service_opts=$(sed -n 's/^Environment=GATEWAY_JAVA_OPTS=//p' "$root/lib/systemd/system/$name.service")
in_root rm -rf /tmp/jSerialComm
if out=$(in_root runuser -u $name -- env GATEWAY_JAVA_OPTS="$service_opts" $name ports 2>&1); then
    pass "ports as the service user"
else
    fail "ports as the service user: $out"
fi
native=$(find "$root/var/cache/$name/tmp" -name 'libjSerialComm.so' | head -1)
if [ -n "$native" ]; then
    equal "jSerialComm's native library belongs to the service user" "$name" "$(in_root stat -c %U "${native#"$root"}")"
else
    fail "jSerialComm's native library was not unpacked under /var/cache/$name/tmp"
fi
check "nothing unpacked into the shared /tmp" test ! -e "$root/tmp/jSerialComm"

# doctor as the service user: a serial port its group may open, one only root may, and no server to reach.
in_root install -m 0660 -g dialout /dev/null /dev/ttyGW0
in_root install -m 0600 /dev/null /dev/ttyGW1
mapping='mapping: { type: csv, fields: [ { name: t, column: 1 } ] }'
cat > "$root/tmp/doctor.yaml" <<YAML
xmpp: { jid: gateway@localhost, password-file: /etc/$name/password, server: 127.0.0.1, port: 9, tls: disabled }
things:
  - { id: shared, driver: serial, port: /dev/ttyGW0, $mapping }
  - { id: private, driver: serial, port: /dev/ttyGW1, $mapping }
YAML
chmod 0644 "$root/tmp/doctor.yaml"
out=$(in_root runuser -u $name -- $name doctor -c /tmp/doctor.yaml 2>&1) && fail "doctor found no problem: $out"
doctor_says() { # doctor_says DESCRIPTION PATTERN
    if grep -qE "$2" <<< "$out"; then pass "doctor: $1"; else fail "doctor: $1: $out"; fi
}
doctor_says "names the service user and its groups" "^ok +user +$name, groups $name .*dialout"
doctor_says "a port of the dialout group is open to it" "^ok +device +shared: serial port /dev/ttyGW0 \(read and write\)"
doctor_says "a port only root may open is a problem" \
    "^FAIL +device +private: serial port /dev/ttyGW1: permission denied for $name \(owner root, group root, rw-------\)"
doctor_says "and says what to do" "fix: only root may open it: a udev rule"
doctor_says "an unreachable server is a problem" "^FAIL +xmpp +Cannot reach 127.0.0.1:9: connection refused"
# Another user cannot read the password: doctor says whom to run it as.
out=$(in_root runuser -u nobody -- $name doctor 2>&1) && fail "doctor as nobody found no problem: $out"
doctor_says "as another user, it names the user to run it as" "fix: run doctor as the gateway's user: sudo -u $name xmpp-iot-gateway doctor"

# 5. The systemd units.
units=(/lib/systemd/system/$name.service /lib/systemd/system/$name-import.service /lib/systemd/system/$name-update.path
       /lib/systemd/system/$name-update.service)
if out=$(in_root systemd-analyze verify "${units[@]}" 2>&1) && [ -z "$out" ]; then
    pass "systemd-analyze verify accepts the four units"
else
    fail "systemd-analyze verify: $out"
fi
# systemd's own exposure score (0 = locked down, 10 = unprotected); the unit scores 3.4, "OK". No system-call
# filter and a writable /sys (PWM) are what keep it from lower.
exposure=$(in_root systemd-analyze security --offline=true /lib/systemd/system/$name.service 2>&1 | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p')
if in_root systemd-analyze security --offline=true --threshold=40 /lib/systemd/system/$name.service >/dev/null 2>&1; then
    pass "systemd-analyze security: exposure $exposure (at most 4.0)"
else
    fail "systemd-analyze security: exposure $exposure, more than 4.0"
fi
unit="$root/lib/systemd/system/$name.service"
for directive in NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes DevicePolicy=closed \
        DeviceAllow=char-ttyUSB DeviceAllow=char-gpiochip DeviceAllow=char-i2c Restart=on-failure StartLimitBurst= \
        StandardOutput=journal; do
    check "unit sets $directive" grep -q "^$directive" "$unit"
done
check "enabled for multi-user.target" test -L "$root/etc/systemd/system/multi-user.target.wants/$name.service"

# 6. A configuration left on the boot partition: an invalid one is refused and the old one kept, a valid one
#    replaces it; both leave the boot partition.
boot="$root/boot/firmware"
mkdir -p "$boot"
before=$(cat "$root/etc/$name/gateway.yaml")
printf 'xmpp:\n  jid: pi@example.net\n  password-file: password\nthings:\n  - id: t\n    driver: simulated\n    intervall: 5s\n' > "$boot/$name.yaml"
printf 'hunter2\r\n' > "$boot/$name.password"
if in_root /usr/lib/$name/import-boot-config > "$root.import-invalid.log" 2>&1; then
    fail "an invalid configuration was imported"
else
    pass "an invalid configuration is refused"
fi
if grep -q "things\[0\].intervall: unknown key" "$boot/$name-import.txt"; then
    pass "the refusal names the key"
else
    fail "the refusal names the key: $(cat "$boot/$name-import.txt")"
fi
equal "the old configuration stays" "$before" "$(cat "$root/etc/$name/gateway.yaml")"
check "the refused password left the boot partition" test ! -e "$boot/$name.password"
check "the refused files are kept" bash -c "ls '$root/etc/$name/rejected/'*/gateway.yaml"

printf 'xmpp:\n  jid: pi@example.net\n  password-file: password\n  ca-file: ca.pem\nthings: []\n' > "$boot/$name.yaml"
printf 'correct horse\r\n' > "$boot/$name.password"
cp "$root/etc/ssl/certs/ca-certificates.crt" "$boot/$name-ca.pem"
if in_root /usr/lib/$name/import-boot-config > "$root.import.log" 2>&1; then
    pass "a valid configuration is imported"
else
    fail "a valid configuration was refused: $(cat "$root.import.log")"
fi
check "it is now the configuration" grep -q "pi@example.net" "$root/etc/$name/gateway.yaml"
equal "the new password, without the CR" "correct horse" "$(cat "$root/etc/$name/password")"
equal "the new password file is still private" "640 root $name" "$(in_root stat -c '%a %U %G' /etc/$name/password)"
check "the server's CA came along" cmp "$root/etc/ssl/certs/ca-certificates.crt" "$root/etc/$name/ca.pem"
check "the old configuration is kept as gateway.yaml.previous" test -s "$root/etc/$name/gateway.yaml.previous"
check "nothing of it is left on the boot partition" bash -c "! ls '$boot/$name.yaml' '$boot/$name.password' '$boot/$name-ca.pem'"
check "the import says what happened" grep -q "imported" "$boot/$name-import.txt"

printf 'xmpp:alice@example.net?roster;preauth=T0ken;ibr=y\r\n' > "$boot/$name.invite"
if in_root /usr/lib/$name/import-boot-config > "$root.import-invite.log" 2>&1; then
    pass "an invite alone is taken"
else
    fail "an invite alone was refused: $(cat "$root.import-invite.log")"
fi
equal "the invite waits for the gateway, without the CR" "xmpp:alice@example.net?roster;preauth=T0ken;ibr=y" "$(cat "$root/etc/$name/invite")"
equal "only the service reads the invite" "640 root $name" "$(in_root stat -c '%a %U %G' /etc/$name/invite)"
check "the invite left the boot partition" test ! -e "$boot/$name.invite"
check "the import says so" grep -q "took the invite" "$boot/$name-import.txt"

# 7. remove keeps configuration and data; purge removes everything.
in_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq $name > /dev/null
check "remove: the program is gone" test ! -e "$root/usr/share/$name"
check "remove: the configuration stays" test -f "$root/etc/$name/gateway.yaml"
check "remove: the user stays" in_root getent passwd $name
uid=$(in_root id -u $name)
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq $name > /dev/null
for path in /etc/$name /etc/default/$name /var/lib/$name /var/cache/$name /lib/systemd/system/$name.service \
        /etc/systemd/system/multi-user.target.wants/$name.service /usr/bin/$name /var/lib/$name-update \
        /etc/systemd/system/paths.target.wants/$name-update.path /etc/systemd/system/multi-user.target.wants/$name-update.service; do
    check "purge: $path is gone" test ! -e "$root$path"
done
check "purge: the user is gone" bash -c "! chroot '$root' getent passwd $name"
check "purge: the group is gone" bash -c "! chroot '$root' getent group $name"
check "purge: no statoverride left" bash -c "! chroot '$root' dpkg-statoverride --list /etc/$name"
leftover=$(find "$root" -xdev -uid "$uid" 2>/dev/null | head -5)
equal "purge: no file owned by the old user" "" "$leftover"
check "purge: dpkg forgot the package" bash -c "! chroot '$root' dpkg-query -W -f='\${Status}' $name 2>/dev/null | grep -q installed"

if [ "$failures" -gt 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "all checks passed"
