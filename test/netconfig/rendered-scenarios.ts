/**
 * Source files for the netplan/NetworkManager render tests: the blocks the
 * modules give (built with the real stanza functions), in the source format.
 */
import { setBlock } from '../../src/netconfig/persist/blockfile.ts';
import { addressStanzas, BLOCK, bridgeStanza, linkStanza, routeStanza, vlanStanza } from '../../src/netconfig/persist/ifupdown.ts';
import { sourceKey } from '../../src/netconfig/persist/model.ts';

export interface TaskBlock {
  ifname: string;
  key: string;
  lines: string[];
}

/** A KVM host: cloudbr0 over eth0 with the management address and default route, a jumbo trunk eth1 whose VLAN 100 joins cloudbr1, a routed table. */
export const cloudTasks: TaskBlock[] = [
  { ifname: 'cloudbr0', key: BLOCK.bridge, lines: bridgeStanza('cloudbr0', { ports: ['eth0'], stp: false, forwardDelay: 0, mtu: 1500 }) },
  { ifname: 'cloudbr0', key: BLOCK.address, lines: addressStanzas('cloudbr0', ['10.0.0.11/24', '2001:db8::11/64']) },
  {
    ifname: 'cloudbr0',
    key: BLOCK.route('default', '254', 0),
    lines: routeStanza({ to: 'default', via: '10.0.0.1', dev: 'cloudbr0', metric: 0, table: '254', family: 4 }),
  },
  {
    ifname: 'cloudbr0',
    key: BLOCK.route('10.9.0.0/16', '100', 5),
    lines: routeStanza({ to: '10.9.0.0/16', dev: 'cloudbr0', metric: 5, table: '100', family: 4 }),
  },
  {
    ifname: 'cloudbr0',
    key: BLOCK.route('2001:db8:99::/48', '254', 10),
    lines: routeStanza({ to: '2001:db8:99::/48', via: '2001:db8::1', dev: 'cloudbr0', metric: 10, table: '254', family: 6 }),
  },
  { ifname: 'eth1', key: BLOCK.link, lines: linkStanza('eth1', { mtu: 9000, state: 'up' }) },
  { ifname: 'eth1.100', key: BLOCK.vlan, lines: vlanStanza('eth1.100', { parent: 'eth1', id: 100, protocol: '802.1Q', mtu: 9000, bridge: 'cloudbr1' }) },
  { ifname: 'cloudbr1', key: BLOCK.bridge, lines: bridgeStanza('cloudbr1', { ports: [], stp: true, forwardDelay: 4 }) },
];

export function sourceOf(tasks: readonly TaskBlock[]): string | null {
  let source: string | null = null;
  for (const t of tasks) source = setBlock(source, sourceKey(t.ifname, t.key), t.lines);
  return source;
}

/** Every order of a short list (the tasks of a run may be written in any order). */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}
