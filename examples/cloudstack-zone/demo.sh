#!/usr/bin/env bash
# `npm run demo`: the reference CloudStack zone, for real, on this machine.
#
# As root on a Debian 12 machine: installs what is missing, brings up the
# example lab (examples/cloudstack-zone/topology.yml), shows what zonectl would
# change, applies it, checks again (nothing left), then bootstraps a fourth
# hypervisor into the zone and shows its tunnels on every peer.
# Safe to run again: the lab is repaired or left as it is, and each step says
# what it found. Exits non-zero as soon as a step fails.
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
ex=examples/cloudstack-zone
lab=cszone
zonectl=./bin/zonectl.js

bold=''; dim=''; red=''; green=''; off=''
if [ -t 1 ]; then bold=$'\e[1m'; dim=$'\e[2m'; red=$'\e[31m'; green=$'\e[32m'; off=$'\e[0m'; fi

step=0
heading() { step=$((step + 1)); printf '\n%s== %d. %s%s\n' "$bold" "$step" "$1" "$off"; }
note() { printf '%s%s%s\n' "$dim" "$1" "$off"; }
say() { printf '%s\n' "$1"; }
fail() { printf '\n%sdemo failed: %s%s\n' "$red" "$1" "$off" >&2; exit 1; }
show() { printf '%s$ %s%s\n' "$dim" "$*" "$off"; }

if [ "$(id -u)" -ne 0 ]; then
  fail "run as root (the lab makes network namespaces): sudo npm run demo"
fi

heading "Install what is missing (Debian packages, node modules)"
show bash scripts/install-deps.sh
bash scripts/install-deps.sh || fail "installing the dependencies failed (see above)"

heading "Bring up the lab: 4 hypervisors (Open vSwitch), router r01, upstream up01 (FRR)"
show "$zonectl" lab up "$ex/topology.yml"
existed=no
"$zonectl" lab status "$lab" >/dev/null 2>&1 && existed=yes
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# `up` prints one line per change it makes (130 on a fresh lab): keep the
# summary here, the whole log only if it fails.
if ! "$zonectl" lab up "$ex/topology.yml" >"$log" 2>&1; then
  cat "$log" >&2
  fail "the lab did not come up"
fi
grep -E '^(lab |inventory: )' "$log"
labinv="$(sed -n 's/^inventory: //p' "$log")"
[ -n "$labinv" ] || fail "lab up printed no inventory path"
note "The lab's own inventory ($labinv) gives each node's address, user, key and"
note "known_hosts; the zone's inventory ($ex/inventory.yml) says what each node is."

# The BGP session's MD5 password is a secret (`!secret bgp_cszone` in
# group_vars/routers.yml): zonectl reads it from the environment at run time
# and never prints or saves it. A demo-only value unless you give your own.
export ZONECTL_SECRET_BGP_CSZONE="${ZONECTL_SECRET_BGP_CSZONE:-cszone-demo-only}"

zone=(-i "$labinv" -i "$ex/inventory.yml")
bootstrap=(-i "$labinv" -i "$ex/inventory.yml" -i "$ex/inventory-bootstrap.yml")

# check: exit 0 in sync, 2 changes pending, 1 failure (docs/engine.md).
heading "Check: what would change in the zone (a dry run: nothing is touched)"
show "$zonectl" check -i "$labinv" -i "$ex/inventory.yml" "$ex/site.yml"
"$zonectl" check "${zone[@]}" "$ex/site.yml"
case $? in
  2)
    if [ "$existed" = yes ]; then
      say "${green}→ changes pending (exit 2). The lab was up already (an earlier demo run): with"
      say "  inventory.yml alone the zone has three hypervisors, so kvm04's tunnels go away"
      say "  here and come back in the bootstrap step${off}"
    else
      say "${green}→ changes pending (exit 2), as expected on a fresh lab${off}"
    fi ;;
  0) say "${green}→ nothing to change (exit 0): the lab was set up by an earlier demo run${off}" ;;
  *) fail "check failed" ;;
esac

heading "Apply: exactly those changes, then verify them"
show "$zonectl" apply -i "$labinv" -i "$ex/inventory.yml" "$ex/site.yml"
"$zonectl" apply "${zone[@]}" "$ex/site.yml" || fail "apply failed"
say "${green}→ applied and verified${off}"
say ""
show "$zonectl lab ssh --lab $lab r01 -- \"vtysh -c 'show bgp summary'\""
"$zonectl" lab ssh --lab "$lab" r01 -- "vtysh -c 'show bgp summary'" | sed -n '/^Neighbor/,/^$/p' || fail "could not read r01's BGP state"

heading "Check again: nothing is left to change"
show "$zonectl" check -i "$labinv" -i "$ex/inventory.yml" "$ex/site.yml"
"$zonectl" check "${zone[@]}" "$ex/site.yml"
case $? in
  0) say "${green}→ in sync (exit 0)${off}" ;;
  2) fail "the second check still found changes: the apply did not converge" ;;
  *) fail "check failed" ;;
esac

heading "Bootstrap kvm04 into the zone: one run configures it and its peers"
note "inventory-bootstrap.yml adds kvm04 to the hypervisors group; kvm01..kvm03"
note "each get a GRE tunnel to it in the same run."
show "$zonectl" apply -i "$labinv" -i "$ex/inventory.yml" -i "$ex/inventory-bootstrap.yml" "$ex/site.yml"
"$zonectl" apply "${bootstrap[@]}" "$ex/site.yml" || fail "the bootstrap apply failed"
say ""
for node in kvm01 kvm02 kvm03 kvm04; do
  ports="$("$zonectl" lab ssh --lab "$lab" "$node" -- ovs-vsctl list-ports cloudbr1 | grep '^t' | tr '\n' ' ')" \
    || fail "could not read the tunnels of $node"
  say "  $node tunnels: $ports"
done
show "$zonectl" check -i "$labinv" -i "$ex/inventory.yml" -i "$ex/inventory-bootstrap.yml" "$ex/site.yml"
"$zonectl" check "${bootstrap[@]}" "$ex/site.yml" >"$log" 2>&1
case $? in
  0) say "${green}→ the zone with kvm04 is in sync (exit 0)${off}" ;;
  *) cat "$log"; fail "the zone with kvm04 is not in sync after the bootstrap apply" ;;
esac

heading "Look around"
# --lab: needed only when other labs run on this machine too.
cat <<EOF
  $zonectl lab status $lab
  $zonectl lab ssh --lab $lab kvm01                                     # a shell on a hypervisor
  $zonectl lab ssh --lab $lab kvm01 -- ovs-vsctl show                   # bridges, trunk, GRE tunnels
  $zonectl lab ssh --lab $lab kvm01 -- ovs-ofctl dump-flows cloudbr1    # broadcast/multicast drop flows
  $zonectl lab ssh --lab $lab r01 -- ip route                           # the router's tenant routes
  $zonectl lab ssh --lab $lab r01 -- "vtysh -c 'show bgp summary'"      # BGP toward up01
  $zonectl lab ssh --lab $lab r01 -- nft list table ip ip4_firewall     # the tenant firewall
  $zonectl compile -i $labinv -i $ex/inventory.yml $ex/site.yml
                                  # every task of every host, resolved offline

Change something by hand, then let zonectl find it (zonectl needs the BGP secret:
export ZONECTL_SECRET_BGP_CSZONE=$ZONECTL_SECRET_BGP_CSZONE):
  $zonectl lab ssh --lab $lab kvm02 -- ovs-vsctl set interface t103-2-1 options:key=999
  $zonectl check -i $labinv -i $ex/inventory.yml -i $ex/inventory-bootstrap.yml $ex/site.yml

Tear down (removes every namespace, link, process and file the lab made):
  $zonectl lab down $lab
EOF
say ""
say "${green}demo done${off}"
