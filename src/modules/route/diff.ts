/**
 * route: a route is the kernel's (family, table, destination, metric); it is
 * added or replaced when its gateway or device differ, deleted when absent.
 *
 * The route the controller's packets leave by may not be deleted or given
 * another gateway without --allow-management-change. Moving it to another
 * device with the same gateway is allowed: the kernel refuses such a replace
 * when the gateway is not reachable through the new device, so it can't
 * strand the host (that is the cloudbr0 step).
 */
import type { Change, RunContext } from '../contract.ts';
import { TaskError } from '../contract.ts';
import { findManagement, MANAGEMENT_HINT } from '../../netconfig/management.ts';
import { tableId } from '../../netconfig/parse-ip.ts';
import { persistChange } from '../../netconfig/persist/index.ts';
import { BLOCK, routeStanza } from '../../netconfig/persist/ifupdown.ts';
import type { NetProbe } from '../../netconfig/probe.ts';
import type { RouteState } from '../../netconfig/state.ts';
import type { RouteParams } from './schema.ts';

export interface RouteOp {
  op: 'replace' | 'delete';
  family: 4 | 6;
  to: string;
  via: string | null;
  dev: string | null;
  metric: number;
  table: string;
}

function describe(r: { to: string; via: string | null; dev: string | null; metric: number; table: string }): string {
  return [r.to, r.via !== null ? `via ${r.via}` : '', r.dev !== null ? `dev ${r.dev}` : '', `metric ${r.metric}`, r.table !== '254' ? `table ${r.table}` : '']
    .filter(Boolean)
    .join(' ');
}

export function diffRoute(p: RouteParams, probe: NetProbe, ctx: RunContext): Change[] {
  const table = tableId(p.table, probe.tables);
  if (!/^\d+$/.test(table)) {
    throw new TaskError(`route table ${p.table} is not named in /etc/iproute2/rt_tables on this host (give its number, or name it there)`);
  }
  const actual = probe.state.routes.find(
    (r) => r.family === p.family && r.table === table && r.to === p.to && r.metric === p.metric && r.type === 'unicast',
  );
  const changes: Change[] = [];
  const want = { family: p.family, to: p.to, via: p.via ?? null, dev: p.dev ?? null, metric: p.metric, table };
  const mgmt = findManagement(probe, ctx);
  const isControllerRoute = (r: RouteState) =>
    mgmt.route !== null && r.table === mgmt.route.table && r.to === mgmt.route.to && r.metric === mgmt.route.metric && r.family === mgmt.route.family;

  if (p.state === 'present') {
    const differs =
      !actual || actual.multipath || (p.via !== undefined && actual.via !== p.via) || (p.via === undefined && actual.via !== null) || (p.dev !== undefined && actual.dev !== p.dev);
    if (differs) {
      if (actual && isControllerRoute(actual) && actual.via !== want.via && !ctx.allowManagementChange) {
        throw new TaskError(`refusing to change the gateway of route ${describe(actual)}: the controller's connection leaves by it (${MANAGEMENT_HINT})`);
      }
      const op: RouteOp = { op: 'replace', ...want };
      const summary = actual ? `route ${describe(actual)} → ${describe(want)}` : `add route ${describe(want)}`;
      changes.push({ summary, data: op });
    }
  } else if (actual) {
    if (isControllerRoute(actual) && !ctx.allowManagementChange) {
      throw new TaskError(`refusing to delete route ${describe(actual)}: the controller's connection leaves by it (${MANAGEMENT_HINT})`);
    }
    const op: RouteOp = { op: 'delete', ...want, via: actual.via, dev: actual.dev };
    changes.push({ summary: `delete route ${describe(actual)}`, data: op });
  }

  if (p.persist && p.dev !== undefined) {
    // blockDestination: an IPv4 and an IPv6 default on one device must not share a block.
    const lines = p.state === 'present' ? routeStanza({ to: p.to, via: p.via, dev: p.dev, metric: p.metric, table, family: p.family }) : null;
    const persisted = persistChange(probe, ctx, { ifname: p.dev, key: BLOCK.route(blockDestination(p), table, p.metric), lines });
    if (persisted) changes.push(persisted);
  }
  return changes;
}

/**
 * The destination in the persisted block's key. `default` alone would give an
 * IPv4 and an IPv6 default route of one metric on one device the same block,
 * and their two tasks would rewrite each other's on every run: the IPv6 one is
 * keyed `::/0`.
 */
function blockDestination(p: { to: string; family: 4 | 6 }): string {
  return p.to === 'default' && p.family === 6 ? '::/0' : p.to;
}
