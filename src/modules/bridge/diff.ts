/**
 * bridge: create it, set STP and forward delay, enslave and (with exclusive)
 * release ports, MTU, and the persisted stanza.
 *
 * Enslaving a port that carries addresses makes them useless (the bridge
 * takes the port's frames). With move_addresses the port's addresses and the
 * routes through it move onto the bridge in the same detached sequence, so a
 * controller connected through that port stays connected. Without it,
 * enslaving the port of the management address is refused.
 */
import type { Change, RunContext } from '../contract.ts';
import { TaskError } from '../contract.ts';
import { isLinkLocal, parseCidr } from '../../netconfig/ip-address.ts';
import { findManagement, MANAGEMENT_HINT } from '../../netconfig/management.ts';
import { persistChange } from '../../netconfig/persist/index.ts';
import { BLOCK, bridgeStanza } from '../../netconfig/persist/ifupdown.ts';
import type { NetProbe } from '../../netconfig/probe.ts';
import type { RouteState } from '../../netconfig/state.ts';
import type { BridgeParams } from './schema.ts';

/** A route through a port, to be re-created through the bridge. */
export interface MovedRoute {
  family: 4 | 6;
  to: string;
  via: string | null;
  metric: number;
  table: string;
}

export type BridgeOp =
  | { op: 'create'; name: string; stp: boolean; forwardDelay: number }
  | { op: 'stp'; name: string; stp: boolean }
  | { op: 'forward_delay'; name: string; seconds: number }
  | { op: 'enslave'; name: string; port: string; addresses: string[]; routes: MovedRoute[] }
  | { op: 'release'; name: string; port: string }
  | { op: 'mtu'; name: string; mtu: number }
  | { op: 'up'; name: string };

export function diffBridge(p: BridgeParams, probe: NetProbe, ctx: RunContext): Change[] {
  const { links } = probe.state;
  const bridge = links.find((l) => l.name === p.name);
  if (bridge && bridge.kind !== 'bridge') {
    throw new TaskError(`${p.name} exists and is ${bridge.kind ? `a ${bridge.kind} device` : 'not a bridge'}; a bridge cannot take its name`);
  }
  const changes: Change[] = [];
  const add = (summary: string, op: BridgeOp) => changes.push({ summary, data: op });
  const mgmt = findManagement(probe, ctx);

  // STP off must come before a forward delay below 2 s, and a valid delay before STP on.
  if (!bridge) {
    add(`create bridge ${p.name} (stp ${p.stp ? 'on' : 'off'}, forward delay ${p.forward_delay}s)`, {
      op: 'create',
      name: p.name,
      stp: p.stp,
      forwardDelay: p.forward_delay,
    });
  } else {
    const stpChange = bridge.bridge?.stp !== p.stp;
    const fdChange = bridge.bridge?.forwardDelay !== p.forward_delay;
    const fd = () => add(`${p.name}: forward delay ${bridge.bridge?.forwardDelay ?? '?'}s → ${p.forward_delay}s`, { op: 'forward_delay', name: p.name, seconds: p.forward_delay });
    const stp = () => add(`${p.name}: stp ${p.stp ? 'off → on' : 'on → off'}`, { op: 'stp', name: p.name, stp: p.stp });
    if (stpChange && p.stp) {
      if (fdChange) fd();
      stp();
    } else {
      if (stpChange) stp();
      if (fdChange) fd();
    }
  }

  for (const port of p.ports) {
    const link = links.find((l) => l.name === port);
    if (link?.master === p.name) continue;
    if (link?.kind === 'bridge') throw new TaskError(`${port} is a bridge; a bridge cannot be a port of bridge ${p.name}`);
    const addresses = probe.state.addresses.filter((a) => a.dev === port && !isLinkLocal(a));
    const carriesManagement = mgmt.device !== null && mgmt.device === port;
    if (carriesManagement && !p.move_addresses && !ctx.allowManagementChange) {
      throw new TaskError(
        `refusing to enslave ${port} to ${p.name}: ${port} carries the management address ${mgmt.address}, which would stop answering; ` +
          `set move_addresses: true to move its addresses and routes onto ${p.name} in the same step (${MANAGEMENT_HINT})`,
      );
    }
    const moving = p.move_addresses ? addresses.map((a) => a.cidr) : [];
    const routes = p.move_addresses ? routesThrough(port, probe.state.routes) : [];
    const from = link?.master ? ` (from ${link.master})` : '';
    const missing = link ? '' : ' (not there yet: an earlier task must create it)';
    let summary = `${p.name}: add port ${port}${from}${missing}`;
    if (moving.length > 0 || routes.length > 0) {
      summary += `, moving ${[...moving, ...routes.map((r) => `route ${r.to}${r.table === '254' ? '' : ` table ${r.table}`}`)].join(', ')} from ${port} to ${p.name}`;
    } else if (addresses.length > 0) {
      summary += ` (its addresses ${addresses.map((a) => a.cidr).join(', ')} stay on ${port} and stop working; move_addresses: true moves them)`;
    }
    add(summary, { op: 'enslave', name: p.name, port, addresses: moving, routes });
  }

  if (p.exclusive) {
    for (const link of links.filter((l) => l.master === p.name && !p.ports.includes(l.name))) {
      if (mgmt.device === p.name && !ctx.allowManagementChange) {
        throw new TaskError(
          `refusing to remove port ${link.name} from ${p.name}: ${p.name} carries the management address ${mgmt.address} and the controller may be reached through that port (${MANAGEMENT_HINT})`,
        );
      }
      add(`${p.name}: remove port ${link.name} (not listed, exclusive)`, { op: 'release', name: p.name, port: link.name });
    }
  }

  if (p.mtu !== undefined && bridge?.mtu !== p.mtu) {
    add(`${p.name}: mtu ${bridge ? `${bridge.mtu} → ` : ''}${p.mtu}`, { op: 'mtu', name: p.name, mtu: p.mtu });
  }
  if (bridge && !bridge.up) add(`${p.name}: down → up`, { op: 'up', name: p.name });

  if (p.persist) {
    const lines = bridgeStanza(p.name, { ports: p.ports, stp: p.stp, forwardDelay: p.forward_delay, mtu: p.mtu });
    const persisted = persistChange(probe, ctx, { ifname: p.name, key: BLOCK.bridge, lines });
    if (persisted) changes.push(persisted);
  }
  return changes;
}

/** Static routes through a port (not the kernel's own prefix routes, which follow the addresses). */
function routesThrough(port: string, routes: readonly RouteState[]): MovedRoute[] {
  return routes
    .filter((r) => r.dev === port && r.type === 'unicast' && r.protocol !== 'kernel' && !r.multipath)
    .filter((r) => r.to === 'default' || !isLinkLocal(parseCidr(r.to) ?? { family: 4, address: '0.0.0.0', prefix: 0 }))
    .map((r) => ({ family: r.family, to: r.to, via: r.via, metric: r.metric, table: r.table }));
}
