/**
 * bridge commands, in the order diff gave them. When a port's addresses move,
 * every runtime step of the task runs as ONE detached sequence (see
 * netconfig/shell.ts): enslave, add the addresses to the bridge, re-point the
 * routes, and only then delete the addresses from the port, so the host
 * always has its address somewhere.
 */
import type { Change } from '../contract.ts';
import { isPersistData, persistCommands } from '../../netconfig/persist/index.ts';
import { detached, requireDevice } from '../../netconfig/shell.ts';
import { quote } from '../../shell/quote.ts';
import type { BridgeOp, MovedRoute } from './diff.ts';

function routeReplace(r: MovedRoute, dev: string): string {
  const words = ['ip', ...(r.family === 6 ? ['-6'] : []), 'route', 'replace', r.to];
  if (r.via !== null) words.push('via', r.via);
  words.push('dev', dev, 'metric', String(r.metric), 'table', r.table);
  return words.map(quote).join(' ');
}

function opLines(op: BridgeOp): string[] {
  const br = quote(op.name);
  switch (op.op) {
    case 'create':
      return [
        `ip link add name ${br} type bridge stp_state ${op.stp ? 1 : 0} forward_delay ${op.forwardDelay * 100}`,
        `ip link set dev ${br} up`,
      ];
    case 'stp':
      return [`ip link set dev ${br} type bridge stp_state ${op.stp ? 1 : 0}`];
    case 'forward_delay':
      return [`ip link set dev ${br} type bridge forward_delay ${op.seconds * 100}`];
    case 'enslave': {
      const port = quote(op.port);
      const lines = [requireDevice('bridge', op.port, 'port'), `ip link set dev ${port} master ${br}`, `ip link set dev ${port} up`];
      for (const cidr of op.addresses) lines.push(`ip addr replace ${quote(cidr)} dev ${br}${cidr.includes(':') ? ' nodad' : ''}`);
      for (const r of op.routes) lines.push(routeReplace(r, op.name));
      for (const cidr of op.addresses) lines.push(`ip addr del ${quote(cidr)} dev ${port}`);
      return lines;
    }
    case 'release':
      return [`ip link set dev ${quote(op.port)} nomaster`];
    case 'mtu':
      return [`ip link set dev ${br} mtu ${quote(op.mtu)}`];
    case 'up':
      return [`ip link set dev ${br} up`];
  }
}

export function bridgeCommands(changes: readonly Change[]): string {
  const runtime: string[] = [];
  const persist: string[] = [];
  let moves = false;
  for (const change of changes) {
    if (isPersistData(change.data)) {
      persist.push(persistCommands(change.data));
      continue;
    }
    const op = change.data as BridgeOp;
    if (op.op === 'enslave' && (op.addresses.length > 0 || op.routes.length > 0)) moves = true;
    runtime.push(...opLines(op));
  }
  const live = moves ? [detached(['set -e', ...runtime].join('\n'))] : runtime;
  return [...live, ...persist].join('\n');
}
