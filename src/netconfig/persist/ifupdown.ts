/**
 * ifupdown persistence: one file per interface under /etc/network/interfaces.d/,
 * made of blocks (see blockfile.ts), each an `iface` stanza. interfaces(5)
 * allows several stanzas for one interface and applies them all, and
 * ifupdown2 merges them, so each task's stanza stands on its own.
 */

export const IFUPDOWN_DIR = '/etc/network/interfaces.d';

/**
 * `source-directory` only reads names made of letters, digits, `_` and `-`
 * (run-parts rules), so anything else in an interface name (eth1.100) is
 * written as `_` + two hex digits, and `_` itself as `_5f`: unambiguous.
 */
export function ifupdownFileName(ifname: string): string {
  const escaped = [...ifname].map((c) => (/[A-Za-z0-9-]/.test(c) ? c : `_${c.charCodeAt(0).toString(16).padStart(2, '0')}`)).join('');
  return `zonectl-${escaped}`;
}

export function ifupdownPath(ifname: string): string {
  return `${IFUPDOWN_DIR}/${ifupdownFileName(ifname)}`;
}

/** Block keys: they sort device stanzas before addresses, addresses before routes. */
export const BLOCK = {
  bridge: '10-bridge',
  vlan: '10-vlan',
  link: '20-link',
  address: '30-address',
  route: (to: string, table: string, metric: number) => `40-route ${to} table ${table} metric ${metric}`,
} as const;

const I = '    ';

export function bridgeStanza(name: string, b: { ports: readonly string[]; stp: boolean; forwardDelay: number; mtu?: number | undefined }): string[] {
  return [
    `auto ${name}`,
    `iface ${name} inet manual`,
    `${I}bridge-ports ${b.ports.length > 0 ? b.ports.join(' ') : 'none'}`,
    `${I}bridge-stp ${b.stp ? 'on' : 'off'}`,
    `${I}bridge-fd ${b.forwardDelay}`,
    ...(b.mtu !== undefined ? [`${I}mtu ${b.mtu}`] : []),
  ];
}

export function vlanStanza(
  name: string,
  v: { parent: string; id: number; protocol: string; mtu?: number | undefined; bridge?: string | undefined },
): string[] {
  return [
    `auto ${name}`,
    `iface ${name} inet manual`,
    `${I}vlan-raw-device ${v.parent}`,
    // ifupdown2 reads vlan-id/vlan-protocol; Debian's vlan package derives the id from a NAME.ID name.
    `${I}vlan-id ${v.id}`,
    ...(v.protocol === '802.1ad' ? [`${I}vlan-protocol 802.1ad`] : []),
    ...(v.mtu !== undefined ? [`${I}mtu ${v.mtu}`] : []),
    ...(v.bridge !== undefined ? [`${I}post-up ip link set dev ${name} master ${v.bridge}`] : []),
  ];
}

export function linkStanza(name: string, l: { mtu?: number | undefined; state?: 'up' | 'down' | undefined }): string[] {
  return [
    ...(l.state === 'up' ? [`auto ${name}`] : []),
    `iface ${name} inet manual`,
    ...(l.mtu !== undefined ? [`${I}mtu ${l.mtu}`] : []),
  ];
}

/** One stanza per address: the form interfaces(5) gives for several addresses on one interface. */
export function addressStanzas(dev: string, cidrs: readonly string[]): string[] {
  const lines = [`auto ${dev}`];
  for (const cidr of cidrs) {
    lines.push(`iface ${dev} ${cidr.includes(':') ? 'inet6' : 'inet'} static`, `${I}address ${cidr}`);
  }
  return lines;
}

export function routeStanza(r: { to: string; via?: string | undefined; dev: string; metric: number; table: string; family: 4 | 6 }): string[] {
  const words = ['ip', ...(r.family === 6 ? ['-6'] : []), 'route', 'replace', r.to];
  if (r.via !== undefined) words.push('via', r.via);
  words.push('dev', r.dev, 'metric', String(r.metric));
  if (r.table !== '254') words.push('table', r.table);
  return [`iface ${r.dev} ${r.family === 6 ? 'inet6' : 'inet'} manual`, `${I}up ${words.join(' ')}`];
}
