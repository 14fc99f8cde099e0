#!/usr/bin/env bash
# Makes (or adds to) a signed apt repository of the gateway's packages: a flat directory any static web server can
# host, which Pis then use with `signed-by=`, so that apt installs only what the key's owner signed.
#
# Usage: apt-repo.sh --key KEY REPO-DIR DEB...
#   --key KEY   the OpenPGP key that signs (a fingerprint, key id or user id in gpg's keyring; GNUPGHOME is honoured).
#               It must have no passphrase or a running agent that knows it.
#   REPO-DIR    made when missing; packages already in it stay, so older versions remain installable (rollback).
#   DEB...      packages to add.
# Writes into REPO-DIR: the packages, Packages and Packages.gz, Release (with each index's SHA256), InRelease (Release
# signed inline) and Release.gpg (detached), and xmpp-iot-gateway-archive-keyring.gpg, the public key for the Pis'
# /usr/share/keyrings. A Pi's sources entry:
#   deb [signed-by=/usr/share/keyrings/xmpp-iot-gateway-archive-keyring.gpg] https://updates.example.net/apt ./
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/lib/packages.sh"

usage() { echo "usage: apt-repo.sh --key KEY REPO-DIR DEB..." >&2; exit 2; }
[ "${1:-}" = --key ] && [ $# -ge 4 ] || usage
key=$2 repo=$3
shift 3
install_missing apt-ftparchive:apt-utils gpg:gnupg

fingerprint=$(gpg --batch --with-colons --list-secret-keys -- "$key" 2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }')
[ -n "$fingerprint" ] || { echo "apt-repo.sh: no secret key '$key' in gpg's keyring${GNUPGHOME:+ ($GNUPGHOME)}" >&2; exit 1; }
mkdir -p "$repo"
for deb in "$@"; do
    [ -f "$deb" ] || { echo "apt-repo.sh: no such package: $deb" >&2; exit 1; }
    dpkg-deb --info "$deb" >/dev/null 2>&1 || { echo "apt-repo.sh: not a Debian package: $deb" >&2; exit 1; }
    cp "$deb" "$repo/"
done

cd "$repo"
rm -f InRelease Release Release.gpg
apt-ftparchive packages . > Packages
gzip -9nc Packages > Packages.gz
apt-ftparchive -o APT::FTPArchive::Release::Origin=xmpp-iot-gateway \
    -o APT::FTPArchive::Release::Label=xmpp-iot-gateway \
    -o APT::FTPArchive::Release::Suite=stable -o APT::FTPArchive::Release::Codename=stable \
    -o APT::FTPArchive::Release::Architectures=all \
    release . > Release.new
mv Release.new Release
gpg --batch --yes --local-user "$fingerprint" --clearsign --output InRelease Release
gpg --batch --yes --local-user "$fingerprint" --armor --detach-sign --output Release.gpg Release
gpg --batch --yes --export "$fingerprint" > xmpp-iot-gateway-archive-keyring.gpg
echo "signed repository in $repo ($(grep -c '^Package:' Packages) package(s), key $fingerprint)"
