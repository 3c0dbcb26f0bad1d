#!/bin/sh
# Installs what zonectl's lab, demo and tests need on a Debian 12 machine, as root.
# Safe to run again: it only installs what is missing.
set -eu

PACKAGES="openssh-server openssh-client frr frr-pythontools openvswitch-switch nftables iputils-arping ethtool iproute2 kmod util-linux procps libglib2.0-0 libyaml-0-2 ansible-core time"

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: run as root (it installs Debian packages)" >&2
  exit 1
fi

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing="$missing $p"
  fi
done

if [ -n "$missing" ]; then
  echo "install-deps: installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing
else
  echo "install-deps: Debian packages already installed"
fi

# Node dependencies, exactly as locked.
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# One bundle starts several times faster than the sources through tsx; bin/zonectl.js uses it while it is fresh.
npm run --silent build
