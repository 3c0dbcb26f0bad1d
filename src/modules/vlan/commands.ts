/**
 * vlan commands. `ip link add … type vlan` on a kernel without 8021q says
 * only "Unknown device type"; that is turned into a message that names the
 * cause.
 */
import type { Change } from '../contract.ts';
import { isPersistData, persistCommands } from '../../netconfig/persist/index.ts';
import { requireDevice } from '../../netconfig/shell.ts';
import { quote } from '../../shell/quote.ts';
import type { VlanOp } from './diff.ts';

function create(op: Extract<VlanOp, { op: 'create' }>): string[] {
  const add = ['ip', 'link', 'add', 'link', op.parent, 'name', op.name, 'type', 'vlan', 'id', String(op.id), 'protocol', op.protocol].map(quote).join(' ');
  const noSupport = quote(`vlan: cannot create ${op.name}: the kernel has no 802.1Q support (module 8021q) — ip said: `);
  const failed = quote(`vlan: cannot create ${op.name}: `);
  return [
    requireDevice('vlan', op.parent, 'parent'),
    `if ! zc_out=$(${add} 2>&1); then`,
    `  case $zc_out in *'Unknown device type'*|*'not supported'*) echo ${noSupport}"$zc_out" >&2 ;; *) echo ${failed}"$zc_out" >&2 ;; esac`,
    '  exit 1',
    'fi',
    `ip link set dev ${quote(op.name)} up`,
  ];
}

export function vlanCommands(changes: readonly Change[]): string {
  const lines: string[] = [];
  for (const c of changes) {
    if (isPersistData(c.data)) {
      lines.push(persistCommands(c.data));
      continue;
    }
    const op = c.data as VlanOp;
    if (op.op === 'create') lines.push(...create(op));
    else if (op.op === 'mtu') lines.push(requireDevice('vlan', op.name), `ip link set dev ${quote(op.name)} mtu ${quote(op.mtu)}`);
    else lines.push(requireDevice('vlan', op.bridge, 'bridge'), `ip link set dev ${quote(op.name)} master ${quote(op.bridge)}`);
  }
  return lines.join('\n');
}
