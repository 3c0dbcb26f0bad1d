/**
 * "Never cut the branch you sit on": which address, device and route carry
 * the controller's connection, so that modules can refuse plans that would
 * remove them unless the operator passed --allow-management-change.
 */
import type { RunContext } from '../modules/contract.ts';
import { canonicalIp, cidrContains, parseCidr } from './ip-address.ts';
import type { NetProbe } from './probe.ts';
import type { RouteState } from './state.ts';

export interface Management {
  /** The host address the controller connects to (canonical IP), when known. */
  address: string | null;
  /** The device that carries it now. */
  device: string | null;
  /** The main-table route the controller's packets leave by: through a gateway, or the on-link subnet route. */
  route: RouteState | null;
}

/** The most specific main-table unicast route toward `ip` (lowest metric wins a tie). */
export function routeToward(routes: readonly RouteState[], ip: string): RouteState | null {
  let best: RouteState | null = null;
  let bestPrefix = -1;
  for (const r of routes) {
    if (r.table !== '254' || r.type !== 'unicast') continue;
    const net = r.to === 'default' ? { family: r.family, address: r.family === 4 ? '0.0.0.0' : '::', prefix: 0 } : parseCidr(r.to);
    if (!net || !cidrContains(net, ip)) continue;
    if (net.prefix > bestPrefix || (net.prefix === bestPrefix && best !== null && r.metric < best.metric)) {
      best = r;
      bestPrefix = net.prefix;
    }
  }
  return best;
}

export function findManagement(probe: NetProbe, ctx: RunContext): Management {
  // The inventory may name the host by DNS name; SSH_CONNECTION then tells the address used.
  const address = canonicalIp(ctx.managementAddress) ?? (probe.ssh ? (canonicalIp(probe.ssh.server) ?? null) : null);
  const device = address === null ? null : (probe.state.addresses.find((a) => a.address === address)?.dev ?? null);
  let route: RouteState | null = null;
  const client = probe.ssh ? canonicalIp(probe.ssh.client) : undefined;
  if (client !== undefined) {
    // An on-link controller is reached by the subnet's route (proto kernel): deleting it cuts the
    // connection as surely as deleting a gateway route, so it is protected too.
    route = routeToward(probe.state.routes, client);
  } else if (address !== null) {
    // Controller unknown (sudo drops SSH_CONNECTION): protect the default route of the management family.
    const family = address.includes(':') ? 6 : 4;
    route = probe.state.routes.find((r) => r.table === '254' && r.to === 'default' && r.family === family && r.via !== null) ?? null;
  }
  return { address, device, route };
}

export const MANAGEMENT_HINT = 'run with --allow-management-change if you are sure the controller stays reachable';
