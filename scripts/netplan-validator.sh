#!/bin/sh
# Unpacks Debian's netplan generator (without installing netplan, which would
# take over the machine's networking) so the tests can check that the netplan
# files zonectl writes are accepted by the real generator.
# Prints the directory to use as ZONECTL_NETPLAN_ROOT.
set -eu
root=${1:-/var/cache/zonectl/netplan}
if [ -x "$root/usr/libexec/netplan/generate" ]; then
  echo "$root"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
download() { (cd "$work" && apt-get download -q netplan.io libnetplan0 >/dev/null 2>&1); }
# A fresh machine may not have package lists yet.
download || { apt-get update -qq && download; }
mkdir -p "$root"
for deb in "$work"/*.deb; do dpkg -x "$deb" "$root"; done
echo "$root"
