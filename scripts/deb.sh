#!/usr/bin/env bash
# Builds the Debian package of samtal-endpoint from an already built binary:
#   scripts/deb.sh BINARY OUT_DIR   -> OUT_DIR/samtal-endpoint_VERSION_ARCH.deb (path printed)
# `make deb` passes the release binary; the package test passes the debug binary it was
# built with, so both get exactly this layout. DEB_COMPRESSION (default xz) is passed to
# dpkg-deb -Z; the test uses none to spare the time.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$1
out=$2
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/samtal-endpoint"

install -D -m 0755 "$bin" "$root/usr/bin/samtal-endpoint"
install -D -m 0644 packaging/samtal-endpoint.service "$root/lib/systemd/system/samtal-endpoint.service"
install -D -m 0644 packaging/sysusers.conf "$root/usr/lib/sysusers.d/samtal-endpoint.conf"
install -D -m 0640 packaging/endpoint.toml "$root/etc/samtal-endpoint/endpoint.toml"
chmod 0750 "$root/etc/samtal-endpoint"
install -D -m 0644 README.md "$root/usr/share/doc/samtal-endpoint/README.md"
install -d -m 0755 "$root/DEBIAN"
install -m 0755 packaging/postinst packaging/prerm packaging/postrm "$root/DEBIAN/"
echo /etc/samtal-endpoint/endpoint.toml >"$root/DEBIAN/conffiles"
size=$(du -sk "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<CONTROL
Package: samtal-endpoint
Version: $version
Architecture: $arch
Maintainer: Samtal <samtal@kommun.example>
Section: net
Priority: optional
Installed-Size: $size
Depends: libc6, libssl3 | libssl3t64, systemd | adduser
Description: Samtal municipal endpoint
 Receives approved journal notes from the Samtal phones over mutual TLS,
 stores them (SQLite or PostgreSQL) and delivers them to the case system.
CONTROL
mkdir -p "$out"
deb="$out/samtal-endpoint_${version}_${arch}.deb"
dpkg-deb --root-owner-group "-Z${DEB_COMPRESSION:-xz}" --build "$root" "$deb" >/dev/null
echo "$deb"
