#!/usr/bin/env bash
# Builds a flashable SD-card image for a 64-bit Raspberry Pi (Zero 2 W, 3, 4, 400) from Debian 12's own
# packages with the gateway preinstalled: debootstrap + raspi-firmware + linux-image-arm64, as Debian's
# Raspberry Pi images are made, but without loop devices, so it also runs in a container.
#
# Usage: build-image.sh [--deb FILE] [--work DIR] [--from rootfs|system] [--until rootfs|system|image]
#   --deb FILE    the gateway package (default: the one the Maven build left in ../target)
#   --work DIR    where the root file system and the image are made (default: ../target/image)
#   --from system start from the root file system a previous run left in DIR (its rootfs stage takes longest)
#   --until STAGE stop after that stage:
#       rootfs  debootstrap of Debian 12 arm64 with the packages a headless Pi needs (kernel, firmware, Java)
#       system  configuration (fstab, network, clock, Wi-Fi from the boot partition) and the gateway package
#       image   the two partitions (FAT for /boot/firmware, ext4 for /) and the image: xmpp-iot-gateway-arm64.img
# On an x86 machine the arm64 programs run through qemu-user-static (binfmt_misc), installed when missing.
# Needs root. Set DEBIAN_MIRROR for another mirror than deb.debian.org.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../scripts/lib/packages.sh"

deb=
work="$here/../target/image"
from=rootfs
until=image
while [ $# -gt 0 ]; do
    case "$1" in
        --deb) deb=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --from) from=$2; shift 2 ;;
        --until) until=$2; shift 2 ;;
        *) echo "unknown argument $1; see the top of $0" >&2; exit 2 ;;
    esac
done
case "$until" in rootfs|system|image) ;; *) echo "--until takes rootfs, system or image" >&2; exit 2 ;; esac
case "$from" in rootfs|system) ;; *) echo "--from takes rootfs or system" >&2; exit 2 ;; esac
if [ -z "$deb" ]; then
    debs=("$here"/../target/xmpp-iot-gateway_*_all.deb)
    deb=${debs[0]}
fi
[ -f "$deb" ] || { echo "no gateway package at $deb: build it first (mvn -B -DskipTests package) or give --deb" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "building an image needs root (debootstrap, chroot)" >&2; exit 2; }

mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
rootfs="$work/rootfs"
image="$work/xmpp-iot-gateway-arm64.img"
boot_mib=256
log() { echo "build-image: $*" >&2; }

install_missing debootstrap:debootstrap mkfs.vfat:dosfstools mcopy:mtools sfdisk:fdisk mkfs.ext4:e2fsprogs
if [ "$(dpkg --print-architecture)" != arm64 ]; then
    install_missing qemu-aarch64-static:qemu-user-static update-binfmts:binfmt-support
    if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
        mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    fi
    update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
    grep -q enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 ||
        { echo "cannot run arm64 programs here: binfmt_misc has no enabled qemu-aarch64 entry" >&2; exit 1; }
fi

mounted=()
mount_for_chroot() {
    mount -t proc proc "$rootfs/proc" && mounted+=("$rootfs/proc")
    mount -t devpts devpts "$rootfs/dev/pts" && mounted+=("$rootfs/dev/pts")
}
unmount_all() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount "${mounted[$i]}" 2>/dev/null || true; done
    mounted=()
}
trap unmount_all EXIT
in_root() { chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }

# Stage 1: the root file system.
packages=(
    systemd-sysv udev kmod dbus iproute2 iputils-ping ca-certificates
    systemd-timesyncd systemd-resolved wpasupplicant openssh-server sudo
    raspi-firmware linux-image-arm64 firmware-brcm80211 dosfstools e2fsprogs fdisk
    default-jre-headless
)
unmount_all
rm -f "$image"
if [ "$from" = rootfs ]; then
    log "stage rootfs: debootstrap bookworm arm64 into $rootfs"
    rm -rf "$rootfs" "$work/rootfs.done"
    mkdir -p "$rootfs/boot/firmware"
    # raspi-firmware and the kernel's hooks write the boot partition's files into /boot/firmware; they need to
    # know which partition holds the root file system.
    mkdir -p "$rootfs/etc/default"
    printf 'ROOTPART=LABEL=RASPIROOT\nCONSOLES="ttyS1,115200 tty0"\n' > "$rootfs/etc/default/raspi-firmware"
    debootstrap --arch=arm64 --variant=minbase --components=main,non-free-firmware \
        --include="$(IFS=,; echo "${packages[*]}")" bookworm "$rootfs" "$mirror" > "$work.debootstrap.log" 2>&1 ||
        { tail -30 "$work.debootstrap.log"; exit 1; }
    touch "$work/rootfs.done"
    log "stage rootfs done: $(du -sh "$rootfs" | cut -f1), kernel $(ls "$rootfs/boot" | grep -m1 vmlinuz || echo none)"
    [ "$until" = rootfs ] && exit 0
elif [ ! -e "$work/rootfs.done" ]; then
    echo "no finished root file system in $work: run without --from first" >&2
    exit 2
fi

# Stage 2: configuration and the gateway.
log "stage system: configuration and $(basename "$deb")"
mount_for_chroot
cp -r "$here/overlay/." "$rootfs/"
echo xmpp-iot-gateway > "$rootfs/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\txmpp-iot-gateway\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > "$rootfs/etc/hosts"
cat > "$rootfs/etc/fstab" <<'EOF'
LABEL=RASPIROOT /              ext4 rw,noatime,commit=60 0 1
LABEL=RASPIFIRM /boot/firmware vfat rw,noatime,umask=0077 0 2
tmpfs           /tmp           tmpfs rw,nosuid,nodev,size=64m 0 0
EOF
cat > "$rootfs/etc/apt/sources.list" <<EOF
deb $mirror bookworm main non-free-firmware
deb $mirror bookworm-updates main non-free-firmware
deb http://deb.debian.org/debian-security bookworm-security main non-free-firmware
EOF
# No account has a password: the gateway is configured through the boot partition and over XMPP; an SSH key
# put there as authorized_keys lets an administrator in (see overlay/usr/lib/xmpp-iot-gateway-image/).
passwd --root "$rootfs" --lock root >/dev/null
in_root systemctl enable systemd-networkd systemd-resolved systemd-timesyncd ssh \
    xmpp-iot-gateway-image-setup.service >/dev/null 2>&1
# apt inside needs this machine's resolver now; the Pi uses systemd-resolved's.
rm -f "$rootfs/etc/resolv.conf"
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
# Raspberry Pi OS gives GPIO chips and I2C buses to groups; Debian leaves them to root. Do as Raspberry Pi OS
# does, before the gateway's package is installed, so its user joins them.
in_root groupadd --system --force gpio
in_root groupadd --system --force i2c
cp "$deb" "$rootfs/tmp/xmpp-iot-gateway.deb"
in_root apt-get install -y -qq --reinstall --allow-downgrades /tmp/xmpp-iot-gateway.deb > "$work.system.log" 2>&1 ||
    { tail -30 "$work.system.log"; exit 1; }
rm -f "$rootfs/tmp/xmpp-iot-gateway.deb"
in_root apt-get clean
ln -sf ../run/systemd/resolve/stub-resolv.conf "$rootfs/etc/resolv.conf"
# Host keys are made on the Pi at first boot, never shared between all cards of one image.
rm -f "$rootfs"/etc/ssh/ssh_host_*
unmount_all
log "stage system done: $(ls "$rootfs/boot/firmware" | wc -l) files on the boot partition, gateway $(chroot "$rootfs" dpkg-query -W -f='${Version}' xmpp-iot-gateway)"
[ "$until" = system ] && exit 0

# Stage 3: the partitions and the image, without loop devices.
log "stage image: $image"
boot_img="$work/boot.vfat"
root_img="$work/root.ext4"
root_mib=$(( $(du -sm --exclude="$rootfs/boot/firmware" "$rootfs" | cut -f1) * 13 / 10 + 256 ))
rm -f "$boot_img" "$root_img"
mkfs.vfat -C -n RASPIFIRM "$boot_img" $((boot_mib * 1024)) >/dev/null
mcopy -s -i "$boot_img" "$rootfs/boot/firmware/"* ::/
mv "$rootfs/boot/firmware" "$work/firmware.tmp" && mkdir "$rootfs/boot/firmware"
mkfs.ext4 -q -L RASPIROOT -d "$rootfs" "$root_img" "${root_mib}M"
rmdir "$rootfs/boot/firmware" && mv "$work/firmware.tmp" "$rootfs/boot/firmware"
# 4 MiB before the first partition, as SD cards like it; the root partition grows to the card at first boot.
truncate -s $((4 + boot_mib + root_mib))M "$image"
sfdisk --quiet "$image" <<EOF
label: dos
start=4MiB, size=${boot_mib}MiB, type=c, bootable
start=$((4 + boot_mib))MiB, type=83
EOF
dd if="$boot_img" of="$image" bs=1M seek=4 conv=notrunc status=none
dd if="$root_img" of="$image" bs=1M seek=$((4 + boot_mib)) conv=notrunc status=none
rm -f "$boot_img" "$root_img"
log "stage image done: $image ($(du -h --apparent-size "$image" | cut -f1)); flash it with Raspberry Pi Imager or dd"
