/**
 * "Never cut the branch you sit on", for Open vSwitch: deleting a bridge or a
 * port, moving a port, or enslaving a device to a bridge is refused when the
 * device involved carries the address the controller connects through —
 * unless the operator passed --allow-management-change. Reuses the network
 * modules' view of the management connection (src/netconfig/management.ts).
 */
import { TaskError, type RunContext } from '../modules/contract.ts';
import { findManagement, MANAGEMENT_HINT } from '../netconfig/management.ts';
import type { NetProbe } from '../netconfig/probe.ts';

/** Throws when one of `devices` carries the management address. `what` completes "refusing to …". */
export function refuseManagementCut(what: string, devices: readonly string[], net: NetProbe | null, ctx: RunContext): void {
  if (ctx.allowManagementChange || net === null) return;
  const mgmt = findManagement(net, ctx);
  if (mgmt.device === null || !devices.includes(mgmt.device)) return;
  throw new TaskError(`refusing to ${what}: ${mgmt.device} carries the management address ${mgmt.address} (${MANAGEMENT_HINT})`);
}
