/**
 * The shell text that runs inside a node: `bootScript` becomes the node's
 * PID 1 (sets up its root and then only reaps orphans), `ensureScript` makes a
 * running node match the topology (files, management address, sshd,
 * services) and prints one `changed: ...` line per thing it changed, so a
 * second `lab up` can say it changed nothing. Pure text builders; every value
 * goes through quote().
 */
import { quote } from '../shell/quote.ts';
import { MGMT_IFACE } from './names.ts';
import type { ServiceSpec } from './topology.ts';

/** The file a booted node creates once its root is ready (under its own /run). */
export const READY_FILE = '/run/zonectl-lab-ready';

export interface BootPaths {
  /** Empty directory the overlay is mounted on (on the lab's tmpfs). */
  root: string;
  upper: string;
  work: string;
  /** The node's own /root, bind-mounted so the controller's root dotfiles, keys and tool caches stay out. */
  home: string;
  hostname: string;
}

/**
 * Runs as PID 1 of the node's own PID, mount, UTS and IPC namespaces (inside
 * its network namespace): overlay of the controller's / as root, fresh /proc
 * and /sys (sysfs mounted from inside the netns shows the node's links), a
 * minimal /dev with its own devpts, private /run and /tmp, its own /root;
 * then pivot_root so the node's mount table holds only its own mounts (and
 * pins no other lab's).
 */
export function bootScript(p: BootPaths): string {
  const r = quote(p.root);
  return `set -eu
mount -t overlay zonectl-lab -o ${quote(`lowerdir=/,upperdir=${p.upper},workdir=${p.work}`)} ${r}
mount -t proc proc ${r}/proc
mount -t sysfs sysfs ${r}/sys
mount -t tmpfs -o mode=755,size=1m,nosuid devtmp ${r}/dev
for spec in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
  IFS=: read -r name major minor <<EOF_DEV
$spec
EOF_DEV
  mknod -m 666 ${r}/dev/$name c $major $minor
done
mkdir -p ${r}/dev/pts ${r}/dev/shm ${r}/dev/net
mknod -m 666 ${r}/dev/net/tun c 10 200
mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts ${r}/dev/pts
ln -s pts/ptmx ${r}/dev/ptmx
ln -s /proc/self/fd ${r}/dev/fd
ln -s /proc/self/fd/0 ${r}/dev/stdin
ln -s /proc/self/fd/1 ${r}/dev/stdout
ln -s /proc/self/fd/2 ${r}/dev/stderr
mount -t tmpfs -o mode=1777 shm ${r}/dev/shm
mount -t tmpfs -o mode=755 run ${r}/run
mount -t tmpfs -o mode=1777 tmp ${r}/tmp
mount --bind ${quote(p.home)} ${r}/root
cd ${r}
pivot_root . .
umount -l .
cd /
hostname ${quote(p.hostname)}
touch ${READY_FILE}
# PID 1 of the node: bash reaps every orphaned child, so daemons that fork leave no zombies.
exec bash -c 'trap "exit 0" TERM INT; while :; do sleep 86400 & wait $!; done'
`;
}

export interface NodeFile {
  path: string;
  /** Octal, as `stat -c %a` prints it. */
  mode: string;
  content: string;
}

export interface EnsureInput {
  address: string;
  prefixLength: number;
  files: NodeFile[];
  /** Paths that must not exist in the node (the controller's other host keys). */
  absent: string[];
  services: ServiceSpec[];
}

/**
 * What debian-installer (netcfg) writes to /etc/network/interfaces on a new
 * server: the interfaces.d include and the loopback. A node gets it when the
 * controller has none (ifupdown not installed), so the network modules'
 * ifupdown persistence finds the file a Debian server has.
 */
export const DEBIAN_INTERFACES = `# This file describes the network interfaces available on your system
# and how to activate them. For more information, see interfaces(5).

source /etc/network/interfaces.d/*

# The loopback network interface
auto lo
iface lo inet loopback
`;

/** Exit code of the ensure script when the node has no management interface. */
export const NO_MGMT_LINK = 3;
/** The ensure script ends with this line and then the node's links as `ip -d -j link show` JSON. */
export const LINKS_MARKER = '--- zonectl-lab links';

// $(<file) reads without starting cat: the script runs in every node at once, so processes count.
const ALIVE = `alive() { [ -s "$1" ] && kill -0 "$(<"$1")" 2>/dev/null; }`;

export function ensureScript(input: EnsureInput): string {
  const lines: string[] = [
    'set -eu',
    'changed() { echo "changed: $*"; }',
    ALIVE,
    'sshd_dirty=0',
    `put() {
  tmp="$1.zonectl-lab.tmp"
  printf '%s' "$3" > "$tmp"
  chmod "$2" "$tmp"
  if [ -f "$1" ] && cmp -s "$tmp" "$1" && [ "$(stat -c %a "$1")" = "$2" ]; then rm -f "$tmp"; return 1; fi
  mv -f "$tmp" "$1"
  changed "wrote $1"
}`,
    // network first: sshd binds the management address
    `ip link show dev ${MGMT_IFACE} >/dev/null 2>&1 || { echo 'no ${MGMT_IFACE} in this node' >&2; exit ${NO_MGMT_LINK}; }`,
    'ip link set lo up',
    `mgmt=$(ip -o addr show dev ${MGMT_IFACE})`,
    `case "$mgmt" in *${quote(` ${input.address}/${input.prefixLength} `)}*) ;; *) ip addr add ${quote(`${input.address}/${input.prefixLength}`)} dev ${MGMT_IFACE}; changed "address ${input.address}/${input.prefixLength} on ${MGMT_IFACE}" ;; esac`,
    `case "$(ip -o link show dev ${MGMT_IFACE})" in *'<UP,'*|*',UP,'*|*',UP>'*|*'<UP>'*) ;; *) ip link set ${MGMT_IFACE} up; changed "${MGMT_IFACE} up" ;; esac`,
    '[ -d /root/.ssh ] || mkdir -m 700 /root/.ssh',
    // Debian's defaults for root's shell (the node's /root starts empty)
    'for f in bashrc profile; do [ -e /root/.$f ] || cp /usr/share/base-files/dot.$f /root/.$f; done',
    // Like a Debian server: only when missing (runs inside the node: its overlay, never the controller's /etc),
    // and never rewritten afterwards — what the playbooks persist there is theirs.
    '[ -d /etc/network/interfaces.d ] || { mkdir -p /etc/network/interfaces.d; changed "created /etc/network/interfaces.d"; }',
    `[ -e /etc/network/interfaces ] || { printf '%s' ${quote(DEBIAN_INTERFACES)} > /etc/network/interfaces; changed "wrote /etc/network/interfaces"; }`,
  ];
  for (const path of input.absent) lines.push(`if [ -e ${quote(path)} ]; then rm -f ${quote(path)}; changed ${quote(`removed ${path}`)}; fi`);
  for (const f of input.files) {
    const onChange = f.path.startsWith('/etc/ssh/') ? 'sshd_dirty=1' : ':';
    lines.push(`if put ${quote(f.path)} ${quote(f.mode)} ${quote(f.content)}; then ${onChange}; fi`);
  }
  lines.push(
    '[ -d /run/sshd ] || mkdir -m 755 /run/sshd',
    'if ! alive /run/sshd.pid; then /usr/sbin/sshd; changed "started sshd"',
    'elif [ "$sshd_dirty" = 1 ]; then kill -HUP "$(</run/sshd.pid)"; changed "reloaded sshd"; fi',
  );
  for (const s of input.services) lines.push(...serviceLines(s));
  lines.push(`echo ${quote(LINKS_MARKER)}`, 'ip -d -j link show');
  return `${lines.join('\n')}\n`;
}

function serviceLines(s: ServiceSpec): string[] {
  switch (s.name) {
    case 'openvswitch':
      // The kernel datapath is missing here: bridges must use datapath_type=netdev.
      return [
        'if ! alive /var/run/openvswitch/ovsdb-server.pid || ! alive /var/run/openvswitch/ovs-vswitchd.pid; then',
        '  /etc/init.d/openvswitch-switch start >/tmp/zonectl-lab-ovs.log 2>&1 || { cat /tmp/zonectl-lab-ovs.log >&2; exit 1; }',
        '  changed "started openvswitch"',
        'fi',
      ];
    case 'frr': {
      const enable = s.daemons.map(
        (d) => `if ! grep -q '^${d}=yes' /etc/frr/daemons; then sed -i 's/^${d}=.*/${d}=yes/' /etc/frr/daemons; frr_dirty=1; changed "enabled ${d} in /etc/frr/daemons"; fi`,
      );
      return [
        'frr_dirty=0',
        ...enable,
        'if ! alive /var/run/frr/watchfrr.pid; then',
        '  /usr/lib/frr/frrinit.sh start >/tmp/zonectl-lab-frr.log 2>&1 || { cat /tmp/zonectl-lab-frr.log >&2; exit 1; }',
        '  changed "started frr"',
        'elif [ "$frr_dirty" = 1 ]; then',
        '  /usr/lib/frr/frrinit.sh restart >/tmp/zonectl-lab-frr.log 2>&1 || { cat /tmp/zonectl-lab-frr.log >&2; exit 1; }',
        '  changed "restarted frr"',
        'fi',
      ];
    }
    case 'nftables':
      // Nothing to start: nft works per network namespace as soon as the package is there.
      return [];
  }
}

export function sshdConfig(address: string): string {
  return `# Written by zonectl lab: this node's sshd listens only on its management address.
ListenAddress ${address}:22
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PidFile /run/sshd.pid
UseDNS no
PrintMotd no
MaxStartups 100:30:200
MaxSessions 50
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
`;
}
